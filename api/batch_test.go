package api_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// batchStore is what the batch tests need of a store.
type batchStore = eventstore.Store

func sampleBatch() []api.Command {
	at := now.Add(-time.Hour)
	key := func(k string) api.Meta { return api.Meta{IdempotencyKey: k} }
	return []api.Command{
		{Department: &domain.RegisterDepartment{ID: "it", Name: "IT", At: at.Add(-time.Hour)}},
		{Meta: key("r1"), Request: &domain.RequestHandoff{ID: "h-1", Supplier: "it", Customer: "sales", Kind: "laptop", Title: "A laptop", At: at}},
		{Meta: key("a1"), HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Accept, At: at}},
		{Meta: key("x1"), HandoffID: "h-2", Handoff: domain.HandoffCommand{Name: domain.Accept, At: at}}, // no such hand-off
		{Meta: key("d0"), HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Return, At: at}}, // not delivered yet
		{Meta: key("d1"), HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Deliver, At: at.Add(time.Minute)}},
		{Meta: key("r2"), Request: &domain.RequestHandoff{ID: "h-2", Supplier: "it", Customer: "legal", Kind: "laptop", Title: "Another", At: at.Add(time.Minute)}},
		{Meta: key("r1"), Request: &domain.RequestHandoff{ID: "h-1", Supplier: "it", Customer: "sales", Kind: "laptop", Title: "A laptop", At: at}}, // again
		{Meta: key("a1"), HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Deliver, At: at}},                                           // a key reused for another request
		{},
	}
}

func TestBatch(t *testing.T) {
	stores := map[string]func(t *testing.T) batchStore{
		"memory (one Append after the other)": func(t *testing.T) batchStore {
			s := memory.New(memory.Options{})
			t.Cleanup(func() { s.Close() })
			return s
		},
		"bolt (one commit)": func(t *testing.T) batchStore {
			s, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for name, open := range stores {
		forParts(t, name, func(t *testing.T) {
			ctx := t.Context()
			store := open(t)
			svc := api.New(store, api.Options{Now: func() time.Time { return now }})
			for _, id := range []string{"sales", "legal"} {
				_, err := svc.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
				require.NoError(t, err)
			}
			before, err := store.Head(ctx)
			require.NoError(t, err)
			cmds := sampleBatch()
			res, err := svc.Batch(ctx, admin, cmds)
			require.NoError(t, err)
			require.Len(t, res, len(cmds))
			for _, i := range []int{0, 1, 2, 5, 6, 7} {
				assert.NoError(t, res[i].Err, "command %d", i)
			}
			assert.ErrorIs(t, res[3].Err, domain.ErrNotFound)
			assert.ErrorIs(t, res[4].Err, domain.ErrTransition)
			assert.ErrorIs(t, res[8].Err, domain.ErrConflict)
			assert.ErrorIs(t, res[9].Err, domain.ErrInvalid)
			assert.True(t, res[0].Created && res[1].Created && res[6].Created)
			assert.True(t, res[7].Replayed, "the same key in one batch is a replay")
			assert.Equal(t, res[1].Position, res[7].Position)
			for _, pair := range [][2]int{{0, 1}, {1, 2}, {2, 5}, {5, 6}} {
				assert.Less(t, res[pair[0]].Position, res[pair[1]].Position, "commands %d and %d out of order", pair[0], pair[1])
			}
			var types []string
			for ev, err := range store.ReadAll(ctx, before) {
				require.NoError(t, err)
				types = append(types, ev.StreamID+" "+ev.Type)
			}
			assert.Equal(t, []string{
				"department-it department.registered.v1",
				"handoff-h-1 handoff.requested.v2",
				"handoff-h-1 handoff.accepted.v1",
				"handoff-h-1 handoff.delivered.v1",
				"handoff-h-2 handoff.requested.v2",
			}, types)
			head, err := store.Head(ctx)
			require.NoError(t, err)
			assert.Equal(t, head, res[6].Position)

			// The same batch again appends nothing and answers as before.
			again, err := svc.Batch(ctx, admin, cmds[1:])
			require.NoError(t, err)
			for i, r := range again {
				assert.Equal(t, res[i+1].Err == nil, r.Err == nil, "command %d: %v", i+1, r.Err)
				if r.Err == nil {
					assert.True(t, r.Replayed || cmds[i+1].Meta.IdempotencyKey == "", "command %d", i+1)
					assert.Equal(t, res[i+1].Position, r.Position, "command %d", i+1)
				}
			}
			after, err := store.Head(ctx)
			require.NoError(t, err)
			assert.Equal(t, head, after)
		})
	}
}

// forParts runs test as name with the default limit of appends held and
// again with batches written in parts of one and two appends (pipelined).
func forParts(t *testing.T, name string, test func(t *testing.T)) {
	for _, pending := range []int{0, 1, 2} {
		t.Run(fmt.Sprintf("%s, parts of %d", name, pending), func(t *testing.T) {
			if pending > 0 {
				t.Cleanup(api.SetMaxPending(pending))
			}
			test(t)
		})
	}
}

// racingStore appends a foreign event to a stream just before the first
// batch is written, as a concurrent request would.
type racingStore struct {
	*bolt.Store
	once sync.Once
	race func()
}

func (r *racingStore) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	r.once.Do(r.race)
	return r.Store.AppendBatch(ctx, appends)
}

func TestBatchDecidesAgainAfterAConcurrentWrite(t *testing.T) {
	forParts(t, "bolt", func(t *testing.T) {
		ctx := t.Context()
		raw, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { raw.Close() })
		direct := api.New(raw, api.Options{Now: func() time.Time { return now }})
		at := now.Add(-time.Hour)
		for _, id := range []string{"sales", "legal"} {
			_, err := direct.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
			require.NoError(t, err)
		}
		_, err = direct.RequestHandoff(ctx, admin, none, domain.RequestHandoff{ID: "h-1", Supplier: "legal", Customer: "sales", Kind: "k", Title: "t", At: at})
		require.NoError(t, err)
		store := &racingStore{Store: raw, race: func() {
			_, err := direct.Execute(ctx, admin, none, "h-1", domain.HandoffCommand{Name: domain.Escalate, Reason: "urgent", At: at})
			assert.NoError(t, err) // on the goroutine writing the batch
		}}
		svc := api.New(store, api.Options{Now: func() time.Time { return now }})
		res, err := svc.Batch(ctx, admin, []api.Command{
			{Meta: api.Meta{IdempotencyKey: "a"}, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Accept, At: at}},
			{Meta: api.Meta{IdempotencyKey: "d"}, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Deliver, At: at}},
		})
		require.NoError(t, err)
		require.NoError(t, res[0].Err)
		require.NoError(t, res[1].Err)
		var types []string
		for ev, err := range raw.ReadStream(ctx, "handoff-h-1", 0) {
			require.NoError(t, err)
			types = append(types, ev.Type)
		}
		assert.Equal(t, []string{"handoff.requested.v2", "handoff.escalated.v1", "handoff.accepted.v1", "handoff.delivered.v1"}, types)
		assert.Less(t, res[0].Position, res[1].Position)
	})
}

func TestBatchDecidesAgainAfterARejectedDependency(t *testing.T) {
	forParts(t, "bolt", func(t *testing.T) {
		ctx := t.Context()
		raw, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { raw.Close() })
		direct := api.New(raw, api.Options{Now: func() time.Time { return now }})
		at := now.Add(-time.Hour)
		_, err = direct.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: "sales", Name: "Sales", At: at})
		require.NoError(t, err)
		store := &racingStore{Store: raw, race: func() {
			_, err := direct.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: "it", Name: "IT", At: at})
			assert.NoError(t, err) // on the goroutine writing the batch
		}}
		svc := api.New(store, api.Options{Now: func() time.Time { return now }})
		res, err := svc.Batch(ctx, admin, []api.Command{
			{Department: &domain.RegisterDepartment{ID: "it", Name: "IT", At: at}},
			{Meta: api.Meta{IdempotencyKey: "r"}, Request: &domain.RequestHandoff{ID: "h-1", Supplier: "it", Customer: "sales", Kind: "k", Title: "t", At: at}},
		})
		require.NoError(t, err)
		require.NoError(t, res[0].Err)
		require.NoError(t, res[1].Err)
		assert.False(t, res[0].Created, "registered concurrently: the batch's registration is a no-op")
		assert.True(t, res[1].Created)
		var streams []string
		for ev, err := range raw.ReadAll(ctx, 0) {
			require.NoError(t, err)
			streams = append(streams, ev.StreamID)
		}
		assert.Equal(t, []string{"department-sales", "department-it", "handoff-h-1"}, streams)
	})
}
