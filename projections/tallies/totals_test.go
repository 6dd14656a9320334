package tallies_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/tallies"
)

func TestTotalsAndClocks(t *testing.T) {
	b, berlin := logtest.Scenario(t)
	m := fold(b, tallies.Options{Policy: domain.Policy{Location: berlin}})
	tot := m.Totals()
	require.Len(t, tot, 2)
	// hr -> finance: four delivered without an agreement, rated 5, 5, 4, 1.
	assert.Equal(t, tallies.PairTotals{Supplier: "hr", Customer: "finance", Requested: 4, Delivered: 4,
		Ratings: [5]int{1, 0, 0, 1, 2}, RatingEvents: [5]int{1, 0, 0, 1, 2}}, tot[0], "hr -> finance totals")
	// it -> finance all time: requested a0..a9 = 10; delivered a0, a1, a2
	// twice, a6, a8, a9 = 7; a2 returned; a3 and a4 escalated; a4
	// cancelled. Outcomes: every delivery with an agreement is one, so
	// a2's first delivery (10h > 8h) counts too: met a1, a6 (4h), a8;
	// breached a0 (its 8h target, 11 days owned), a2 twice. Ratings follow
	// the latest rating of each delivery (a1's 4, re-rated 2, is a 2),
	// rating events count every rating.
	assert.Equal(t, tallies.PairTotals{Supplier: "it", Customer: "finance",
		Requested: 10, Delivered: 7, Returned: 1, Escalated: 2, Cancelled: 1,
		Ratings: [5]int{1, 1, 1, 1, 1}, OutcomesMet: 3, OutcomesBreached: 3, RatingEvents: [5]int{1, 1, 1, 2, 1}},
		tot[1], "it -> finance totals")
	// Lead times observed at every delivery: a6 14400, a8 14400, a2 36000
	// (first delivery) and 97200, a9 36000, a1 50400, a0 11 days = 950400.
	counts, sum, n := m.LeadTimeHistogram("it", "finance", []float64{3600, 20000, 86400, 1e6})
	assert.Equal(t, []uint64{0, 2, 5, 7}, counts, "histogram")
	assert.Equal(t, uint64(7), n, "histogram count")
	assert.Equal(t, float64(14400*2+36000*2+50400+97200+950400), sum, "histogram sum")
	counts, sum, n = m.LeadTimeHistogram("legal", "sales", []float64{3600})
	assert.Equal(t, []uint64{0}, counts, "an unknown pair's histogram")
	assert.Zero(t, sum, "an unknown pair's sum")
	assert.Zero(t, n, "an unknown pair's count")
	// Now (12 Feb 12:00): open are a3 (accepted, running; 146h > 48h), a5
	// (running, 120h) and a7 (running, 84h): three running, three breached.
	oc := m.OpenClocks(time.Date(2026, 2, 12, 12, 0, 0, 0, berlin))
	assert.Equal(t, []tallies.OpenClock{{Supplier: "it", Customer: "finance", Running: 3, Breached: 3}}, oc, "open clocks")
}

// The at-risk share of the open clocks comes from the policy.
func TestAtRiskFollowsThePolicy(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	b := logtest.New(t)
	// 40h target; at the next midnight 24h owned = 60% of it.
	b.Request("h1", "it", "hr", day, &domain.AgreementTerms{Version: 1, ResolveWithinS: 40 * 3600})
	for _, tc := range []struct {
		ratio  float64
		atRisk int
	}{{0, 0}, {0.75, 0}, {0.6, 1}, {0.5, 1}, {0.61, 0}} {
		m := fold(b, tallies.Options{Policy: domain.Policy{AtRiskRatio: tc.ratio}})
		assert.Equal(t, []tallies.OpenClock{{Supplier: "it", Customer: "hr", Running: 1, AtRisk: tc.atRisk}},
			m.OpenClocks(day.Add(24*time.Hour)), "ratio %v: open clocks", tc.ratio)
	}
}

// TestLiveFoldEqualsRebuild folds the scenario event by event while other
// goroutines query, applies events a second time (the runner may
// redeliver), and compares with a model rebuilt from the log in one go.
func TestLiveFoldEqualsRebuild(t *testing.T) {
	b, berlin := logtest.Scenario(t)
	asOf := time.Date(2026, 2, 12, 12, 0, 0, 0, berlin)
	live := tallies.New(tallies.Options{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				live.Totals()
				live.OpenClocks(asOf)
				live.LeadTimeHistogram("it", "finance", []float64{3600})
			}
		}()
	}
	for i, env := range b.Envs {
		live.Apply(env)
		if i > 0 && i%7 == 0 {
			live.Apply(b.Envs[i-1]) // at or below the position: skipped
			live.Apply(env)
		}
	}
	close(stop)
	wg.Wait()

	rebuilt := fold(b, tallies.Options{})
	require.Equal(t, rebuilt.Position(), live.Position())
	assert.Equal(t, rebuilt.Totals(), live.Totals(), "totals differ")
	assert.Equal(t, rebuilt.OpenClocks(asOf), live.OpenClocks(asOf), "open clocks differ")
	bounds := []float64{3600, 20000, 86400, 1e6}
	wantCounts, wantSum, wantN := rebuilt.LeadTimeHistogram("it", "finance", bounds)
	gotCounts, gotSum, gotN := live.LeadTimeHistogram("it", "finance", bounds)
	assert.Equal(t, []any{wantCounts, wantSum, wantN}, []any{gotCounts, gotSum, gotN}, "histograms differ")
}
