package pairstats_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestTotalsAndClocks(t *testing.T) {
	b, berlin := scenario(t)
	m := pairstats.New(pairstats.Options{Location: berlin})
	for _, e := range b.envs {
		m.Apply(e)
	}
	tot := m.Totals()
	if len(tot) != 2 || tot[0].Supplier != "hr" || tot[1].Supplier != "it" {
		t.Fatalf("totals %+v", tot)
	}
	// it -> finance all time: requested a0..a9 = 10; delivered a0, a1, a2
	// twice, a6, a8, a9 = 7; completed the same hand-offs = 6; SLA met a1,
	// a6 (4h), a8; breached a2 and a0 (its 8h target, 11 days owned).
	it := tot[1]
	got := []int{it.Requested, it.Delivered, it.Returned, it.Escalated, it.Cancelled, it.Completed, it.SLAMet, it.SLABreached}
	if want := []int{10, 7, 1, 2, 1, 6, 3, 2}; !slices.Equal(got, want) {
		t.Errorf("it -> finance totals %v, want %v", got, want)
	}
	if it.Ratings != [5]int{1, 1, 1, 1, 1} {
		t.Errorf("ratings %v", it.Ratings)
	}
	// Monotonic tallies: every delivery with an agreement is an outcome, so
	// a2's first delivery (10h > 8h) counts too: met a1, a6, a8; breached
	// a0, a2 twice. Every rating counts: a1's 4, re-rated 2, is two events.
	if it.OutcomesMet != 3 || it.OutcomesBreached != 3 {
		t.Errorf("outcomes met %d breached %d, want 3 and 3", it.OutcomesMet, it.OutcomesBreached)
	}
	if it.RatingEvents != [5]int{1, 1, 1, 2, 1} {
		t.Errorf("rating events %v", it.RatingEvents)
	}
	// Lead times observed at every delivery: a6 14400, a8 14400, a2 36000
	// (first delivery) and 97200, a9 36000, a1 50400, a0 11 days = 950400.
	counts, sum, n := m.LeadTimeHistogram("it", "finance", []float64{3600, 20000, 86400, 1e6})
	if !slices.Equal(counts, []uint64{0, 2, 5, 7}) || n != 7 || sum != 14400*2+36000*2+50400+97200+950400 {
		t.Errorf("histogram %v sum %v count %d", counts, sum, n)
	}
	// Now (12 Feb 12:00): open are a3 (accepted, running; 146h > 48h), a5
	// (running, 120h) and a7 (running, 84h): three running, three breached.
	oc := m.OpenClocks(time.Date(2026, 2, 12, 12, 0, 0, 0, berlin))
	if len(oc) != 1 || oc[0] != (pairstats.OpenClock{Supplier: "it", Customer: "finance", Running: 3, Breached: 3}) {
		t.Errorf("open clocks %+v", oc)
	}
}
