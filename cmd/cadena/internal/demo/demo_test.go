package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
)

func TestSeedBuildsARealisticOrganisation(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	seed := func() (demo.Summary, *memory.Store) {
		store := memory.New(memory.Options{})
		t.Cleanup(func() { store.Close() })
		svc := api.New(store, api.Options{Now: func() time.Time { return now }})
		sum, err := demo.Seed(context.Background(), svc, now, 7)
		require.NoError(t, err)
		return sum, store
	}
	sum, store := seed()
	assert.Equal(t, 12, sum.Departments)
	assert.GreaterOrEqual(t, sum.Handoffs, 250, "a few hundred hand-offs")
	assert.LessOrEqual(t, sum.Handoffs, 600, "a few hundred hand-offs")
	counts := map[string]int{}
	var last time.Time
	var recent, handoffEvents int
	for ev, err := range store.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		e, err := domain.Decode(ev.Type, ev.Data)
		require.NoError(t, err)
		counts[ev.Type]++
		if ev.Type != domain.TypeHandoffRequested && strings.HasPrefix(ev.Type, "handoff.") {
			handoffEvents++
			if now.Sub(domain.OccurredAt(e)) < time.Hour {
				recent++
			}
		}
		require.False(t, domain.OccurredAt(e).After(now), "%s occurred after now: %s", ev.Type, domain.OccurredAt(e))
		last = domain.OccurredAt(e)
	}
	// History is spread over the ninety days, not piled up at "now".
	assert.LessOrEqual(t, recent*20, handoffEvents, "%d of %d hand-off events occurred in the last hour", recent, handoffEvents)
	for _, typ := range []string{domain.TypeHandoffPaused, domain.TypeHandoffReturned, domain.TypeHandoffRated,
		domain.TypeHandoffEscalated, domain.TypeHandoffCancelled} {
		assert.GreaterOrEqual(t, counts[typ], 5, "%s events: the demo should show every part of the lifecycle", typ)
	}
	open := counts[domain.TypeHandoffRequested] - counts[domain.TypeHandoffDelivered] + counts[domain.TypeHandoffReturned] - counts[domain.TypeHandoffCancelled]
	assert.Positive(t, open, "recent hand-offs are open")
	assert.LessOrEqual(t, now.Sub(last), 3*24*time.Hour, "the history reaches the present")
	again, _ := seed()
	assert.Equal(t, sum, again, "the same seed gives the same organisation")
}
