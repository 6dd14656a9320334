package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// timeline returns the types of a hand-off's events, from the store.
func timeline(t *testing.T, store *memory.Store, id string) []string {
	t.Helper()
	var out []string
	for ev, err := range store.ReadStream(context.Background(), domain.HandoffStream(id), 0) {
		require.NoError(t, err)
		out = append(out, ev.Type)
	}
	return out
}

func eventTypes(events ...domain.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, domain.EventType(e))
	}
	return out
}

// TestSoleWriterDecidesOnTheStoreWhenItsCacheIsStale: a sole-writer
// service keeps the hand-offs it decided on; when the store was written
// behind its back (which a sole writer's deployment never does, and which
// the cache must survive all the same) a command the cached state refuses
// is decided again on the store's, and one it allows fails its append and
// is decided again too.
func TestSoleWriterDecidesOnTheStoreWhenItsCacheIsStale(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	sole := newService(t, store, true)
	behind := api.New(store, api.Options{Now: func() time.Time { return now }})

	_, err := requestFrom(ctx, sole, "h1", "sales")
	require.NoError(t, err)
	_, err = sole.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "r"})
	assert.ErrorIs(t, err, api.ErrForbidden, "only the customer escalates") // caches h1 as requested

	_, err = behind.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept})
	require.NoError(t, err)
	r, err := sole.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Pause, Reason: "waiting for stock"})
	require.NoError(t, err, "pause: refused by the cached state (requested), allowed by the store's (accepted)")
	assert.Equal(t, domain.StatePaused, r.Handoff.State)

	_, err = behind.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Resume})
	require.NoError(t, err)
	_, err = sole.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Resume})
	assert.ErrorIs(t, err, domain.ErrTransition, "resume: allowed by the cached state (paused), not by the store's (accepted)")

	assert.Equal(t, eventTypes(domain.HandoffRequested{}, domain.HandoffAccepted{}, domain.HandoffPaused{}, domain.HandoffResumed{}),
		timeline(t, store, "h1"), "each command that succeeded once, no other")
}

// TestSoleWriterRacingCommands: of racing accepts on one hand-off exactly
// one wins, and every racing escalation is recorded.
func TestSoleWriterRacingCommands(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	svc := newService(t, store, true)
	_, err := requestFrom(ctx, svc, "h1", "sales")
	require.NoError(t, err)

	const n = 8
	var wg sync.WaitGroup
	accepts, escalations := make(chan error, n), make(chan error, n)
	for range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := svc.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept})
			accepts <- err
		}()
		go func() {
			defer wg.Done()
			_, err := svc.Execute(ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "r"})
			escalations <- err
		}()
	}
	wg.Wait()
	close(accepts)
	close(escalations)
	won := 0
	for err := range accepts {
		if err == nil {
			won++
		} else {
			assert.ErrorIs(t, err, domain.ErrTransition)
		}
	}
	assert.Equal(t, 1, won, "one accept wins")
	for err := range escalations {
		assert.NoError(t, err)
	}
	counts := map[string]int{}
	for _, typ := range timeline(t, store, "h1") {
		counts[typ]++
	}
	assert.Equal(t, 1, counts[domain.EventType(domain.HandoffAccepted{})])
	assert.Equal(t, n, counts[domain.EventType(domain.HandoffEscalated{})])
}

// TestSoleWriterIdempotentRetryAndBatch: a retried command is answered
// from the log, and a batch's writes count for the lone commands after it.
func TestSoleWriterIdempotentRetryAndBatch(t *testing.T) {
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	svc := newService(t, store, true)
	_, err := requestFrom(ctx, svc, "h1", "sales")
	require.NoError(t, err)

	key := api.Meta{IdempotencyKey: "accept-h1"}
	first, err := svc.Execute(ctx, legalTeam, key, "h1", domain.HandoffCommand{Name: domain.Accept})
	require.NoError(t, err)
	again, err := svc.Execute(ctx, legalTeam, key, "h1", domain.HandoffCommand{Name: domain.Accept})
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, first.Position, again.Position)

	res, err := svc.Batch(ctx, admin, []api.Command{{HandoffID: "h1", Handoff: domain.HandoffCommand{Name: domain.Deliver}}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	_, err = svc.Execute(ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Return, Reason: "not it"})
	require.NoError(t, err, "returning what the batch delivered")
	_, err = svc.Execute(ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Deliver})
	require.NoError(t, err)
	_, err = svc.Execute(ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Rate, Score: 5})
	require.NoError(t, err)
	assert.Equal(t, eventTypes(domain.HandoffRequested{}, domain.HandoffAccepted{}, domain.HandoffDelivered{}, domain.HandoffReturned{}, domain.HandoffDelivered{}, domain.HandoffRated{}),
		timeline(t, store, "h1"))
}
