package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

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
		if err != nil {
			t.Fatal(err)
		}
		return sum, store
	}
	sum, store := seed()
	if sum.Departments != 12 || sum.Handoffs < 250 || sum.Handoffs > 600 {
		t.Fatalf("summary = %+v, want 12 departments and a few hundred hand-offs", sum)
	}
	counts := map[string]int{}
	var last time.Time
	var recent, handoffEvents int
	for ev, err := range store.ReadAll(context.Background(), 0) {
		if err != nil {
			t.Fatal(err)
		}
		e, err := domain.Decode(ev.Type, ev.Data)
		if err != nil {
			t.Fatal(err)
		}
		counts[ev.Type]++
		if ev.Type != domain.TypeHandoffRequested && strings.HasPrefix(ev.Type, "handoff.") {
			handoffEvents++
			if now.Sub(domain.OccurredAt(e)) < time.Hour {
				recent++
			}
		}
		if domain.OccurredAt(e).After(now) {
			t.Fatalf("%s occurred after now: %s", ev.Type, domain.OccurredAt(e))
		}
		last = domain.OccurredAt(e)
	}
	// History is spread over the ninety days, not piled up at "now".
	if recent*20 > handoffEvents {
		t.Errorf("%d of %d hand-off events occurred in the last hour", recent, handoffEvents)
	}
	for _, typ := range []string{domain.TypeHandoffPaused, domain.TypeHandoffReturned, domain.TypeHandoffRated,
		domain.TypeHandoffEscalated, domain.TypeHandoffCancelled} {
		if counts[typ] < 5 {
			t.Errorf("only %d %s events; the demo should show every part of the lifecycle", counts[typ], typ)
		}
	}
	open := counts[domain.TypeHandoffRequested] - counts[domain.TypeHandoffDelivered] + counts[domain.TypeHandoffReturned] - counts[domain.TypeHandoffCancelled]
	if open <= 0 {
		t.Errorf("no hand-off is open; recent ones should be")
	}
	if now.Sub(last) > 3*24*time.Hour {
		t.Errorf("latest event at %s: the history should reach the present", last)
	}
	if again, _ := seed(); again != sum {
		t.Fatalf("the same seed gave %+v, then %+v", sum, again)
	}
}
