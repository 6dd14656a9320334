package projections_test

import (
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// TestReadYourWrites feeds the pair statistics through a runner: after
// WaitFor(position of an append), a query sees the event.
func TestReadYourWrites(t *testing.T) {
	log := newFakeLog()
	m := pairstats.New(pairstats.Options{})
	r := projections.NewRunner(log, nil, m)
	start(t, r)
	ctx := wait(t)
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	log.append(t, 7, domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "hr", Kind: "k", At: now})
	if err := r.WaitFor(ctx, 7); err != nil {
		t.Fatal(err)
	}
	w, err := m.ParseWindow("", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if f := m.Pair("it", "hr", w); f.Requested != 1 || f.Open != 1 || m.Position() != 7 {
		t.Fatalf("after WaitFor: requested %d, open %d, position %d", f.Requested, f.Open, m.Position())
	}
}
