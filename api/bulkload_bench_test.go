package api_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// discardStore holds no stream and drops what is appended in batches: a
// bulk load on it measures the deciding alone.
type discardStore struct {
	*memory.Store
	position uint64
}

func (s *discardStore) ReadStreams(_ context.Context, streams []string, _ int) ([][]eventstore.RecordedEvent, []bool, error) {
	ok := make([]bool, len(streams))
	for i := range ok {
		ok[i] = true
	}
	return make([][]eventstore.RecordedEvent, len(streams)), ok, nil
}

func (s *discardStore) AppendBatch(_ context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	out := make([]eventstore.BatchResult, len(appends))
	for i, a := range appends {
		s.position += uint64(len(a.Events))
		out[i].Position = s.position
	}
	return out, nil
}

// BenchmarkBulkLoadDecide decides the commands of new hand-offs (a request,
// an acceptance and a delivery each, as an import issues them) in parts of
// 3,000 commands, on a store that drops them.
func BenchmarkBulkLoadDecide(b *testing.B) {
	store := &discardStore{Store: memory.New(memory.Options{})}
	svc := api.New(store, api.Options{SoleWriter: true})
	actor := api.Actor{Name: "importer", Role: api.RoleAdmin}
	load, ok := svc.BulkLoad(context.Background(), actor)
	require.True(b, ok)
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	const groups, handoffs = 100, 1000
	var depts []api.BulkCommand
	for g := range groups {
		depts = append(depts, api.BulkCommand{Command: api.Command{
			Department: &domain.RegisterDepartment{ID: "group-" + strconv.Itoa(g), Name: fmt.Sprintf("Group %d", g), At: at}}})
	}
	_, _, err := load.Decide(depts)
	require.NoError(b, err)
	cmds := make([]api.BulkCommand, 3*handoffs)
	round := 0
	for b.Loop() {
		b.StopTimer()
		for i := range handoffs {
			id := "case-" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
			state := &api.BulkHandoff{}
			key := func(step int) api.Meta { return api.Meta{IdempotencyKey: "import/" + id + "/" + strconv.Itoa(step)} }
			t := at.Add(time.Duration(round*handoffs+i) * time.Second)
			cmds[i] = api.BulkCommand{State: state, Command: api.Command{Meta: key(0), Request: &domain.RequestHandoff{ID: id,
				Supplier: "group-" + strconv.Itoa(i%groups), Customer: "group-" + strconv.Itoa((i*7+1)%groups),
				Kind: "import", Title: "Review (" + id + ")", At: t}}}
			cmds[handoffs+i] = api.BulkCommand{State: state, Command: api.Command{Meta: key(1), HandoffID: id,
				Handoff: domain.HandoffCommand{Name: domain.Accept, At: t.Add(time.Minute)}}}
			cmds[2*handoffs+i] = api.BulkCommand{State: state, Command: api.Command{Meta: key(2), HandoffID: id,
				Handoff: domain.HandoffCommand{Name: domain.Deliver, At: t.Add(time.Hour)}}}
		}
		round++
		b.StartTimer()
		n, _, err := load.Decide(cmds)
		require.NoError(b, err)
		require.Equal(b, len(cmds), n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cmds)), "ns/command")
	_, err = load.Close()
	require.NoError(b, err)
}
