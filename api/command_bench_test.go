package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// acceptingStore is the memory store, except that appends to hand-off
// streams are taken as a batch of one and forgotten: the benchmarks below
// measure the application layer, not a store.
type acceptingStore struct {
	*memory.Store
	pos uint64
	out [1]eventstore.BatchResult
}

func (s *acceptingStore) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	a := appends[0]
	if len(appends) != 1 || !strings.HasPrefix(a.Stream, domain.HandoffStream("")) {
		return eventstore.AppendBatch(ctx, s.Store, appends)
	}
	version := uint64(max(a.Expected, 0)) // the version the command decided on (Any: none in these benchmarks)
	s.pos += uint64(len(a.Events))
	s.out[0] = eventstore.BatchResult{AppendResult: eventstore.AppendResult{Version: version + uint64(len(a.Events)), Position: s.pos}}
	return s.out[:], nil
}

// BenchmarkCommands is the application layer's share of a durable
// request: a new hand-off by a member of the customer department on a
// pair with an agreement, and a lifecycle command (accept) on a hand-off
// the service decided on before, by a sole writer (as cadena serve on the
// embedded store). Its allocs/op are the layer's own.
func BenchmarkCommands(b *testing.B) {
	ctx := context.Background()
	// Each part has a service of its own: the hand-offs the lifecycle part
	// commands stay in its decision cache (the store forgets them).
	service := func(b *testing.B) *api.Service {
		mem := memory.New(memory.Options{})
		b.Cleanup(func() { mem.Close() })
		svc := api.New(&acceptingStore{Store: mem, pos: 1 << 20}, api.Options{Now: func() time.Time { return now }, SoleWriter: true})
		for _, id := range []string{"sales", "legal"} {
			_, err := svc.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
			require.NoError(b, err)
		}
		_, err := svc.SetAgreement(ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales",
			Kind: "contract-review", ResolveWithin: 72 * time.Hour, RespondWithin: 4 * time.Hour})
		require.NoError(b, err)
		return svc
	}
	m := api.Meta{CorrelationID: "0123456789abcdef0123456789abcdef"}
	b.Run("new-handoff", func(b *testing.B) {
		svc := service(b)
		b.ReportAllocs()
		for b.Loop() {
			res, err := svc.RequestHandoff(ctx, salesTeam, m, domain.RequestHandoff{ID: eventstore.NewID(), Supplier: "legal",
				Customer: "sales", Kind: "contract-review", Title: "Review the ACME contract"})
			if err != nil || !res.Created {
				b.Fatal("not created: ", err)
			}
		}
	})
	b.Run("lifecycle", func(b *testing.B) {
		svc := service(b)
		ids := make([]string, 0, 1<<14)
		for range cap(ids) {
			res, err := svc.RequestHandoff(ctx, salesTeam, m, domain.RequestHandoff{ID: eventstore.NewID(), Supplier: "legal",
				Customer: "sales", Kind: "contract-review", Title: "Review the ACME contract"})
			require.NoError(b, err)
			ids = append(ids, res.Handoff.ID)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i == len(ids) {
				b.Fatal("more iterations than hand-offs: give -benchtime at most ", len(ids), "x")
			}
			if _, err := svc.Execute(ctx, legalTeam, m, ids[i], domain.HandoffCommand{Name: domain.Accept}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
