package metrics_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/tallies"
)

var now = time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)

// feed folds events into the two read models the business collector
// reads, under one policy, as the runner does.
type feed struct {
	m   *pairstats.Model
	t   *tallies.Model
	pos uint64
}

func newFeed(p domain.Policy) *feed {
	return &feed{m: pairstats.New(pairstats.Options{Policy: p}), t: tallies.New(tallies.Options{Policy: p})}
}

func (f *feed) apply(events ...domain.Event) {
	for _, e := range events {
		f.pos++
		env := projections.Envelope{Position: f.pos, Event: e}
		f.m.Apply(env)
		f.t.Apply(env)
	}
}

// business returns the collector of the feed's read models.
func (f *feed) business(opts metrics.BusinessOptions) *metrics.Business {
	return metrics.NewBusiness(f.t, f.m, opts)
}

func terms(hours int64) *domain.AgreementTerms {
	return &domain.AgreementTerms{Version: 1, ResolveWithinS: hours * 3600}
}

func req(id, s, c string, at time.Time, t *domain.AgreementTerms) domain.HandoffRequested {
	return domain.HandoffRequested{HandoffID: id, Supplier: s, Customer: c, Kind: "k", Title: "t", Agreement: t, At: at}
}

// scenario: legal -> sales with a 10h target: one met delivery (2h) rated
// once, one open at risk (9h running), one open breached (12h running);
// it -> hr: five deliveries rated 1 to 5, one of them after 30 hours, and
// nothing open (its open-clock series are exported at 0).
func scenario() *feed { return scenarioUnder(domain.Policy{}) }

func scenarioUnder(p domain.Policy) *feed {
	f := newFeed(p)
	day := now.Add(-48 * time.Hour)
	f.apply(
		req("l1", "legal", "sales", day, terms(10)),
		domain.HandoffDelivered{HandoffID: "l1", Delivery: 1, At: day.Add(2 * time.Hour)},
		domain.HandoffRated{HandoffID: "l1", Delivery: 1, Score: 5, At: day.Add(3 * time.Hour)},
		req("l2", "legal", "sales", now.Add(-9*time.Hour), terms(10)),
		req("l3", "legal", "sales", now.Add(-12*time.Hour), terms(10)),
		domain.HandoffEscalated{HandoffID: "l3", At: now.Add(-time.Hour)},
	)
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("i%d", i)
		lead := 30 * time.Minute
		if i == 5 {
			lead = 30 * time.Hour
		}
		f.apply(req(id, "it", "hr", day, nil),
			domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: day.Add(lead)},
			domain.HandoffRated{HandoffID: id, Delivery: 1, Score: i, At: day.Add(lead + time.Minute)})
	}
	return f
}

func TestBusinessCollector(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(scenario().business(metrics.BusinessOptions{Now: func() time.Time { return now }}))
	want := `
# HELP cadena_handoffs_open Open hand-offs now, by the state of their SLA clock: running or paused (these two add up to the open hand-offs), at_risk (at least 75% of the target) or breached.
# TYPE cadena_handoffs_open gauge
cadena_handoffs_open{clock="at_risk",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="breached",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="paused",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="running",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="at_risk",customer="sales",supplier="legal"} 1
cadena_handoffs_open{clock="breached",customer="sales",supplier="legal"} 1
cadena_handoffs_open{clock="paused",customer="sales",supplier="legal"} 0
cadena_handoffs_open{clock="running",customer="sales",supplier="legal"} 2
# HELP cadena_handoffs_requested_total Hand-offs requested (events in the log, all time), by supplier and customer department.
# TYPE cadena_handoffs_requested_total counter
cadena_handoffs_requested_total{customer="hr",supplier="it"} 5
cadena_handoffs_requested_total{customer="sales",supplier="legal"} 3
# HELP cadena_handoffs_escalated_total Hand-offs escalated (events in the log, all time), by supplier and customer department.
# TYPE cadena_handoffs_escalated_total counter
cadena_handoffs_escalated_total{customer="hr",supplier="it"} 0
cadena_handoffs_escalated_total{customer="sales",supplier="legal"} 1
# HELP cadena_handoff_sla_outcomes_total Deliveries of hand-offs with an agreement, by whether the supplier-owned time up to that delivery was within the resolve target.
# TYPE cadena_handoff_sla_outcomes_total counter
cadena_handoff_sla_outcomes_total{customer="hr",outcome="breached",supplier="it"} 0
cadena_handoff_sla_outcomes_total{customer="hr",outcome="met",supplier="it"} 0
cadena_handoff_sla_outcomes_total{customer="sales",outcome="breached",supplier="legal"} 0
cadena_handoff_sla_outcomes_total{customer="sales",outcome="met",supplier="legal"} 1
# HELP cadena_handoff_ratings_total Ratings by score, re-ratings included; exported for a pair once it has the anonymity minimum of ratings.
# TYPE cadena_handoff_ratings_total counter
cadena_handoff_ratings_total{customer="hr",score="1",supplier="it"} 1
cadena_handoff_ratings_total{customer="hr",score="2",supplier="it"} 1
cadena_handoff_ratings_total{customer="hr",score="3",supplier="it"} 1
cadena_handoff_ratings_total{customer="hr",score="4",supplier="it"} 1
cadena_handoff_ratings_total{customer="hr",score="5",supplier="it"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"cadena_handoffs_open", "cadena_handoffs_requested_total", "cadena_handoffs_escalated_total",
		"cadena_handoff_sla_outcomes_total", "cadena_handoff_ratings_total"); err != nil {
		t.Fatal(err)
	}

	// Lead times: it -> hr has four of 30 minutes and one of 30 hours.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "cadena_handoff_lead_time_seconds":
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[1].GetValue() != "it" {
					continue
				}
				h := m.GetHistogram()
				if h.GetSampleCount() != 5 || h.GetSampleSum() != 4*1800+30*3600 {
					t.Fatalf("it -> hr lead time: count %d sum %v", h.GetSampleCount(), h.GetSampleSum())
				}
				for _, b := range h.GetBucket() {
					want := uint64(0)
					switch {
					case b.GetUpperBound() >= 2*86400:
						want = 5
					case b.GetUpperBound() >= 1800:
						want = 4
					}
					if b.GetCumulativeCount() != want {
						t.Errorf("bucket le=%v: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
					}
				}
			}
		case "cadena_pair_friction_score":
			if len(mf.GetMetric()) != 2 {
				t.Fatalf("friction series: %d, want one per pair", len(mf.GetMetric()))
			}
		}
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", problems, err)
	}
}

func TestTopPairsFoldsTheRestIntoOther(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(scenario().business(metrics.BusinessOptions{TopPairs: 1, Now: func() time.Time { return now }}))
	want := `
# HELP cadena_handoffs_requested_total Hand-offs requested (events in the log, all time), by supplier and customer department.
# TYPE cadena_handoffs_requested_total counter
cadena_handoffs_requested_total{customer="_other",supplier="_other"} 3
cadena_handoffs_requested_total{customer="hr",supplier="it"} 5
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_handoffs_requested_total"); err != nil {
		t.Fatal(err)
	}
	// Window gauges are not additive: folded pairs get none.
	if n := testutil.CollectAndCount(reg, "cadena_pair_friction_score"); n != 1 {
		t.Fatalf("friction series = %d, want 1", n)
	}
}

// orgOfPairs folds hand-offs for n pairs among n/10 departments over the
// last 30 days.
func orgOfPairs(n int) *feed {
	f := newFeed(domain.Policy{})
	depts := n / 10
	for p := 0; p < n; p++ {
		s, c := fmt.Sprintf("d%04d", p%depts), fmt.Sprintf("d%04d", (p/depts+1+p%depts)%depts)
		for i := 0; i < 3; i++ {
			id := fmt.Sprintf("h%d-%d", p, i)
			at := now.Add(-time.Duration(1+(p+i)%29) * 24 * time.Hour)
			f.apply(req(id, s, c, at, terms(48)))
			if i < 2 {
				f.apply(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(time.Duration(1+i*30) * time.Hour)})
			}
		}
	}
	return f
}

// TestCountersNeverGoDown scrapes before and after a return, a new delivery
// and re-ratings: Prometheus reads any decrease of a counter as a reset.
func TestCountersNeverGoDown(t *testing.T) {
	f := newFeed(domain.Policy{AnonymityMin: 1})
	day := now.Add(-72 * time.Hour)
	f.apply(req("h1", "legal", "sales", day, terms(10)),
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: day.Add(2 * time.Hour)},
		domain.HandoffRated{HandoffID: "h1", Delivery: 1, Score: 5, At: day.Add(3 * time.Hour)})
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(f.business(metrics.BusinessOptions{Policy: domain.Policy{AnonymityMin: 1}, Now: func() time.Time { return now }}))
	values := func() map[string]float64 {
		mfs, err := reg.Gather()
		require.NoError(t, err)
		out := map[string]float64{}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				key := mf.GetName()
				for _, l := range m.GetLabel() {
					key += "," + l.GetName() + "=" + l.GetValue()
				}
				switch {
				case m.GetCounter() != nil:
					out[key] = m.GetCounter().GetValue()
				case m.GetHistogram() != nil:
					out[key+"_count"] = float64(m.GetHistogram().GetSampleCount())
					for _, b := range m.GetHistogram().GetBucket() {
						out[fmt.Sprintf("%s_le%v", key, b.GetUpperBound())] = float64(b.GetCumulativeCount())
					}
				}
			}
		}
		return out
	}
	before := values()
	f.apply(domain.HandoffReturned{HandoffID: "h1", Reason: "wrong", At: day.Add(4 * time.Hour)},
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 2, At: day.Add(20 * time.Hour)},
		domain.HandoffRated{HandoffID: "h1", Delivery: 2, Score: 2, At: day.Add(21 * time.Hour)},
		domain.HandoffRated{HandoffID: "h1", Delivery: 2, Score: 1, At: day.Add(22 * time.Hour)})
	after := values()
	for k, v := range before {
		assert.GreaterOrEqual(t, after[k], v, "%s went down", k)
	}
	assert.Equal(t, 1.0, after["cadena_handoff_sla_outcomes_total,customer=sales,outcome=breached,supplier=legal"],
		"breached outcomes: the second delivery, 18h > 10h")
}

// The anonymity minimum counts ratings as the figures do, the latest
// rating of each delivery, never rating events: one delivery rated five
// times is one rating and stays hidden under a minimum of 5 (and of 2).
func TestRatingsFollowTheAnonymityMinimum(t *testing.T) {
	day := now.Add(-72 * time.Hour)
	ratings := func(events ...domain.Event) *feed {
		f := newFeed(domain.Policy{})
		f.apply(events...)
		return f
	}
	var rerated []domain.Event
	rerated = append(rerated, req("h1", "legal", "sales", day, nil),
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: day.Add(time.Hour)})
	for i := range 5 {
		rerated = append(rerated, domain.HandoffRated{HandoffID: "h1", Delivery: 1, Score: 1 + i, At: day.Add(time.Duration(2+i) * time.Hour)})
	}
	var five []domain.Event
	for i := range 5 {
		id := fmt.Sprintf("h%d", i)
		five = append(five, req(id, "legal", "sales", day, nil),
			domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: day.Add(time.Hour)},
			domain.HandoffRated{HandoffID: id, Delivery: 1, Score: 4, At: day.Add(2 * time.Hour)})
	}
	tests := []struct {
		name   string
		model  *feed
		policy domain.Policy
		want   int // series of cadena_handoff_ratings_total
	}{
		{"one rating given five times, minimum 5", ratings(rerated...), domain.Policy{AnonymityMin: 5}, 0},
		{"one rating given five times, minimum 2", ratings(rerated...), domain.Policy{AnonymityMin: 2}, 0},
		{"one rating given five times, minimum 1", ratings(rerated...), domain.Policy{AnonymityMin: 1}, 5},
		{"five deliveries rated, minimum 5", ratings(five...), domain.Policy{AnonymityMin: 5}, 5},
		{"five deliveries rated, minimum 6", ratings(five...), domain.Policy{AnonymityMin: 6}, 0},
		{"five deliveries rated, the default minimum", ratings(five...), domain.Policy{}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(tc.model.business(metrics.BusinessOptions{Policy: tc.policy, Now: func() time.Time { return now }}))
			assert.Equal(t, tc.want, testutil.CollectAndCount(reg, "cadena_handoff_ratings_total"))
		})
	}
	// Once shown, the counters count every rating event.
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(ratings(rerated...).business(metrics.BusinessOptions{Policy: domain.Policy{AnonymityMin: 1}, Now: func() time.Time { return now }}))
	want := `
# HELP cadena_handoff_ratings_total Ratings by score, re-ratings included; exported for a pair once it has the anonymity minimum of ratings.
# TYPE cadena_handoff_ratings_total counter
cadena_handoff_ratings_total{customer="sales",score="1",supplier="legal"} 1
cadena_handoff_ratings_total{customer="sales",score="2",supplier="legal"} 1
cadena_handoff_ratings_total{customer="sales",score="3",supplier="legal"} 1
cadena_handoff_ratings_total{customer="sales",score="4",supplier="legal"} 1
cadena_handoff_ratings_total{customer="sales",score="5",supplier="legal"} 1
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_handoff_ratings_total"))
}

// The at_risk clock and its description follow the policy's at-risk share.
func TestOpenClockFollowsTheAtRiskRatio(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	// l2 has 9h of its 10h target: at risk from 75%, not from 95%; l3 is
	// breached. The model and the collector are given the same policy.
	p := domain.Policy{AtRiskRatio: 0.95}
	reg.MustRegister(scenarioUnder(p).business(metrics.BusinessOptions{Policy: p, Now: func() time.Time { return now }}))
	want := `
# HELP cadena_handoffs_open Open hand-offs now, by the state of their SLA clock: running or paused (these two add up to the open hand-offs), at_risk (at least 95% of the target) or breached.
# TYPE cadena_handoffs_open gauge
cadena_handoffs_open{clock="at_risk",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="breached",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="paused",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="running",customer="hr",supplier="it"} 0
cadena_handoffs_open{clock="at_risk",customer="sales",supplier="legal"} 0
cadena_handoffs_open{clock="breached",customer="sales",supplier="legal"} 1
cadena_handoffs_open{clock="paused",customer="sales",supplier="legal"} 0
cadena_handoffs_open{clock="running",customer="sales",supplier="legal"} 2
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_handoffs_open"))
}

// TestOtherNeverUncoversAFoldedPair: under --metrics-top-pairs, _other sums
// the ratings of the pairs folded into it. legal -> sales (three ratings,
// the minimum) and legal -> hr (one) folded together would export four
// ratings, and those less legal -> sales (which the API shows) would be
// legal -> hr's one score: _other's ratings stay hidden while a pair folded
// into it is under the minimum on its own.
func TestOtherNeverUncoversAFoldedPair(t *testing.T) {
	p := domain.Policy{AnonymityMin: 3}
	f := newFeed(p)
	day := now.Add(-72 * time.Hour)
	rated := func(s, c string, n, score int) {
		for i := range n {
			id := fmt.Sprintf("%s-%s-%d-%d", s, c, f.pos, i)
			f.apply(req(id, s, c, day, nil),
				domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: day.Add(time.Hour)},
				domain.HandoffRated{HandoffID: id, Delivery: 1, Score: score, At: day.Add(2 * time.Hour)})
		}
	}
	for i := range 10 {
		f.apply(req(fmt.Sprintf("busy-%d", i), "it", "hr", day, nil))
	}
	rated("legal", "sales", 3, 5)
	rated("legal", "hr", 1, 1)
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(f.business(metrics.BusinessOptions{TopPairs: 1, Policy: p, Now: func() time.Time { return now }}))
	assert.Zero(t, testutil.CollectAndCount(reg, "cadena_handoff_ratings_total"), "_other with legal -> hr under the minimum")

	rated("legal", "hr", 2, 2)
	want := `
# HELP cadena_handoff_ratings_total Ratings by score, re-ratings included; exported for a pair once it has the anonymity minimum of ratings.
# TYPE cadena_handoff_ratings_total counter
cadena_handoff_ratings_total{customer="_other",score="1",supplier="_other"} 1
cadena_handoff_ratings_total{customer="_other",score="2",supplier="_other"} 2
cadena_handoff_ratings_total{customer="_other",score="3",supplier="_other"} 0
cadena_handoff_ratings_total{customer="_other",score="4",supplier="_other"} 0
cadena_handoff_ratings_total{customer="_other",score="5",supplier="_other"} 3
`
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_handoff_ratings_total"), "every folded pair at the minimum")
}
