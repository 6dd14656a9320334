package pairstats_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// officeHours counts 08:00 to 18:00 UTC on every day: a calendar other than
// the wall clock, to exercise the search for threshold midnights.
type officeHours struct{}

func (officeHours) Between(from, to time.Time) time.Duration {
	var total time.Duration
	for day := from.UTC().Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		lo, hi := day.Add(8*time.Hour), day.Add(18*time.Hour)
		lo, hi = maxTime(lo, from), minTime(hi, to)
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var depts = []string{"finance", "hr", "it", "legal"} // sorted

// randomHistory generates n hand-offs over about 40 days from start. Events
// of one hand-off never go back in time, but the log interleaves hand-offs
// so business time is not in log order.
func randomHistory(tb testing.TB, r *rand.Rand, start time.Time, n int) []projections.Envelope {
	b := logtest.New(tb)
	agreements := []*domain.AgreementTerms{nil, logtest.Terms(1, 4*time.Hour, 30*time.Minute), logtest.Terms(2, 36*time.Hour, 0),
		logtest.Terms(3, 5*24*time.Hour, 8*time.Hour), logtest.Terms(4, 2*time.Second, time.Second)}
	last := map[string]time.Time{}
	var ids []string
	step := func(prev time.Time) time.Time {
		var d time.Duration
		switch r.IntN(6) {
		case 0:
			d = 0 // same instant
		case 1:
			d = time.Duration(r.IntN(120)) * time.Minute
		case 2:
			d = time.Duration(r.IntN(72)) * time.Hour
		case 3:
			d = time.Duration(r.Int64N(int64(8 * 24 * time.Hour)))
		case 4: // to a midnight (UTC or local) exactly
			t := prev.Add(time.Duration(1+r.IntN(5)) * 24 * time.Hour)
			y, m, dd := t.Date()
			return time.Date(y, m, dd, 0, 0, 0, 0, prev.Location())
		default:
			d = time.Duration(r.IntN(3600)) * time.Second
		}
		return prev.Add(d)
	}
	for range n * 6 {
		if len(ids) == 0 || r.IntN(5) == 0 && len(ids) < n {
			id := fmt.Sprintf("h%d", len(ids))
			s := r.IntN(len(depts))
			c := (s + 1 + r.IntN(len(depts)-1)) % len(depts)
			at := step(start.Add(time.Duration(r.Int64N(int64(40 * 24 * time.Hour)))))
			b.Request(id, depts[s], depts[c], at, agreements[r.IntN(len(agreements))])
			ids = append(ids, id)
			last[id] = at
			continue
		}
		id := ids[r.IntN(len(ids))]
		at := step(last[id])
		var cmd domain.HandoffCommand
		switch r.IntN(9) {
		case 0, 1:
			cmd = domain.HandoffCommand{Name: domain.Accept, At: at}
		case 2:
			cmd = domain.HandoffCommand{Name: domain.Pause, Reason: "waiting", At: at}
		case 3:
			cmd = domain.HandoffCommand{Name: domain.Resume, At: at}
		case 4, 5:
			cmd = domain.HandoffCommand{Name: domain.Deliver, At: at}
		case 6:
			cmd = domain.HandoffCommand{Name: domain.Return, Reason: "wrong", At: at}
		case 7:
			if r.IntN(3) == 0 {
				cmd = domain.HandoffCommand{Name: domain.Cancel, At: at}
			} else {
				cmd = domain.HandoffCommand{Name: domain.Escalate, At: at}
			}
		default:
			cmd = domain.HandoffCommand{Name: domain.Rate, Score: 1 + r.IntN(5), At: at}
		}
		if b.Try(id, cmd) {
			last[id] = at
		}
	}
	return b.Envs
}

func randomWindow(r *rand.Rand, loc *time.Location, start time.Time) pairstats.Window {
	y, m, d := start.In(loc).Date()
	from := time.Date(y, m, d+r.IntN(60)-10, 0, 0, 0, 0, loc)
	to := time.Date(y, m, d+r.IntN(60)-10, 0, 0, 0, 0, loc)
	fy, fm, fd := from.Date()
	if !to.After(from) {
		to = time.Date(fy, fm, fd+1+r.IntN(40), 0, 0, 0, 0, loc)
	}
	return pairstats.Window{From: from, To: to}
}

// sameFigures compares got with want: quantiles within 1% relative error,
// everything else exactly.
func sameFigures(got, want pairstats.Figures) error {
	for _, q := range []struct {
		name string
		g, w **float64
	}{
		{"lead p50", &got.LeadTime.P50, &want.LeadTime.P50}, {"lead p90", &got.LeadTime.P90, &want.LeadTime.P90},
		{"lead p95", &got.LeadTime.P95, &want.LeadTime.P95}, {"lead p99", &got.LeadTime.P99, &want.LeadTime.P99},
		{"response p50", &got.ResponseTime.P50, &want.ResponseTime.P50},
		{"response p90", &got.ResponseTime.P90, &want.ResponseTime.P90},
	} {
		if (*q.g == nil) != (*q.w == nil) {
			return fmt.Errorf("%s: got %v, want %v", q.name, *q.g, *q.w)
		}
		if *q.g == nil {
			continue
		}
		g, w := **q.g, **q.w
		if math.Abs(g-w) > 0.01*math.Abs(w)+1e-12 {
			return fmt.Errorf("%s: got %v, want %v (more than 1%% off)", q.name, g, w)
		}
		*q.g = *q.w
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("\n got %s\nwant %s", show(got), show(want))
	}
	return nil
}

func show(f pairstats.Figures) string {
	p := func(v *float64) string {
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("%s>%s req=%d del=%d ret=%d esc=%d can=%d comp=%d open=%d lead={%d %s} resp={%d %s} sla={%d %d %d %d %s} rsla={%d %d} sat={%d %s %s} fr=%v %s",
		f.Supplier, f.Customer, f.Requested, f.Delivered, f.Returned, f.Escalated, f.Cancelled, f.Completed, f.Open,
		f.LeadTime.Count, p(f.LeadTime.Mean), f.ResponseTime.Count, p(f.ResponseTime.Mean),
		f.SLA.Met, f.SLA.Breached, f.SLA.OpenBreached, f.SLA.AtRisk, p(f.SLA.Compliance),
		f.ResponseSLA.Met, f.ResponseSLA.Breached, f.Satisfaction.Ratings, p(f.Satisfaction.Mean), p(f.Satisfaction.CSAT),
		f.Friction.Score, f.Friction.TopDriver)
}

// checkModel compares every query of m over w with the brute-force figures.
func checkModel(t *testing.T, m *pairstats.Model, envs []projections.Envelope, opts pairstats.Options, w pairstats.Window) {
	t.Helper()
	var want []pairstats.Figures
	for _, s := range depts {
		for _, c := range depts {
			if s == c {
				continue
			}
			f := brute(envs, opts, w, func(a, b string) bool { return a == s && b == c }, s, c)
			require.NoError(t, sameFigures(m.Pair(s, c, w), f), "window %s..%s pair %s>%s", w.From, w.To, s, c)
			if !emptyFigures(f) {
				want = append(want, f)
			}
		}
	}
	got := m.Pairs(w)
	require.Len(t, got, len(want), "window %s..%s: Pairs", w.From, w.To)
	for i := range got {
		require.NoError(t, sameFigures(got[i], want[i]), "window %s..%s Pairs[%d]", w.From, w.To, i)
	}
	for _, d := range depts {
		sc := m.Scorecard(d, w)
		require.NoError(t, sameFigures(sc.AsSupplier, brute(envs, opts, w, func(s, _ string) bool { return s == d }, d, "*")),
			"window %s..%s scorecard of %s as supplier", w.From, w.To, d)
		require.NoError(t, sameFigures(sc.AsCustomer, brute(envs, opts, w, func(_, c string) bool { return c == d }, "*", d)),
			"window %s..%s scorecard of %s as customer", w.From, w.To, d)
	}
}

func emptyFigures(f pairstats.Figures) bool {
	return f.Requested == 0 && f.Delivered == 0 && f.Returned == 0 && f.Escalated == 0 && f.Cancelled == 0 &&
		f.Completed == 0 && f.Open == 0 && f.ResponseTime.Count == 0 && f.SLA.OpenBreached == 0 &&
		f.SLA.AtRisk == 0 && f.Satisfaction.Ratings == 0
}

// TestMatchesBruteForce checks, for random histories and windows, that the
// pre-aggregated figures equal a recomputation from the raw events, after
// the whole log and after random prefixes of it (so taken-back and
// predicted figures are checked midway too).
func TestMatchesBruteForce(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	cases := []struct {
		name string
		opts pairstats.Options
	}{
		{"utc", pairstats.Options{}},
		{"berlin", pairstats.Options{Policy: domain.Policy{Location: berlin, AnonymityMin: 2}}},
		{"new-york-office-hours", pairstats.Options{Policy: domain.Policy{Location: newYork, AnonymityMin: 3}, Calendar: officeHours{}}},
		{"berlin-at-risk-from-60%", pairstats.Options{Policy: domain.Policy{Location: berlin, AtRiskRatio: 0.6}}},
		{"new-york-office-hours-at-risk-from-a-third", pairstats.Options{Policy: domain.Policy{Location: newYork, AtRiskRatio: 1.0 / 3}, Calendar: officeHours{}}},
	}
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	// Around the change to summer time in both zones.
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	for _, tc := range cases {
		for seed := range seeds {
			t.Run(fmt.Sprintf("%s/seed%d", tc.name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(seed), 7))
				envs := randomHistory(t, r, start, 15+r.IntN(40))
				loc := tc.opts.Policy.Location
				if loc == nil {
					loc = time.UTC
				}
				m := pairstats.New(tc.opts)
				cuts := []int{r.IntN(len(envs) + 1), r.IntN(len(envs) + 1), len(envs)}
				slicesSort(cuts)
				applied := 0
				for _, cut := range cuts {
					for ; applied < cut; applied++ {
						m.Apply(envs[applied])
					}
					for range 4 {
						checkModel(t, m, envs[:applied], tc.opts, randomWindow(r, loc, start))
					}
				}
			})
		}
	}
}

func slicesSort(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
