package pairstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestTotalsAndClocks(t *testing.T) {
	b, berlin := scenario(t)
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: berlin}})
	for _, e := range b.envs {
		m.Apply(e)
	}
	tot := m.Totals()
	require.Len(t, tot, 2)
	require.Equal(t, []string{"hr", "it"}, []string{tot[0].Supplier, tot[1].Supplier})
	// it -> finance all time: requested a0..a9 = 10; delivered a0, a1, a2
	// twice, a6, a8, a9 = 7; completed the same hand-offs = 6; SLA met a1,
	// a6 (4h), a8; breached a2 and a0 (its 8h target, 11 days owned).
	it := tot[1]
	got := []int{it.Requested, it.Delivered, it.Returned, it.Escalated, it.Cancelled, it.Completed, it.SLAMet, it.SLABreached}
	assert.Equal(t, []int{10, 7, 1, 2, 1, 6, 3, 2}, got, "it -> finance totals")
	assert.Equal(t, [5]int{1, 1, 1, 1, 1}, it.Ratings, "ratings")
	// Monotonic tallies: every delivery with an agreement is an outcome, so
	// a2's first delivery (10h > 8h) counts too: met a1, a6, a8; breached
	// a0, a2 twice. Every rating counts: a1's 4, re-rated 2, is two events.
	assert.Equal(t, 3, it.OutcomesMet, "outcomes met")
	assert.Equal(t, 3, it.OutcomesBreached, "outcomes breached")
	assert.Equal(t, [5]int{1, 1, 1, 2, 1}, it.RatingEvents, "rating events")
	// Lead times observed at every delivery: a6 14400, a8 14400, a2 36000
	// (first delivery) and 97200, a9 36000, a1 50400, a0 11 days = 950400.
	counts, sum, n := m.LeadTimeHistogram("it", "finance", []float64{3600, 20000, 86400, 1e6})
	assert.Equal(t, []uint64{0, 2, 5, 7}, counts, "histogram")
	assert.Equal(t, uint64(7), n, "histogram count")
	assert.Equal(t, float64(14400*2+36000*2+50400+97200+950400), sum, "histogram sum")
	// Now (12 Feb 12:00): open are a3 (accepted, running; 146h > 48h), a5
	// (running, 120h) and a7 (running, 84h): three running, three breached.
	oc := m.OpenClocks(time.Date(2026, 2, 12, 12, 0, 0, 0, berlin))
	assert.Equal(t, []pairstats.OpenClock{{Supplier: "it", Customer: "finance", Running: 3, Breached: 3}}, oc, "open clocks")
}

// The at-risk share comes from the policy, and both the open clocks (for
// metrics) and the figures' at_risk level (as of a window's end) follow it.
func TestAtRiskFollowsThePolicy(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	b := newHistory(t)
	// 40h target; at the next midnight 24h owned = 60% of it.
	b.request("h1", "it", "hr", day, &domain.AgreementTerms{Version: 1, ResolveWithinS: 40 * 3600})
	w := pairstats.Window{From: day, To: day.Add(24 * time.Hour)}
	for _, tc := range []struct {
		ratio  float64
		atRisk int
	}{{0, 0}, {0.75, 0}, {0.6, 1}, {0.5, 1}, {0.61, 0}} {
		m := pairstats.New(pairstats.Options{Policy: domain.Policy{AtRiskRatio: tc.ratio}})
		for _, e := range b.envs {
			m.Apply(e)
		}
		assert.Equal(t, tc.atRisk, m.Pair("it", "hr", w).SLA.AtRisk, "ratio %v: at_risk as of the window's end", tc.ratio)
		assert.Equal(t, []pairstats.OpenClock{{Supplier: "it", Customer: "hr", Running: 1, AtRisk: tc.atRisk}},
			m.OpenClocks(w.To), "ratio %v: open clocks", tc.ratio)
	}
}
