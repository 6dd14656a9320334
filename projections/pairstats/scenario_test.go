package pairstats_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// The scenario (logtest.Scenario) is described where it is built.

func near(t *testing.T, what string, got *float64, want float64, tol float64) {
	t.Helper()
	if assert.NotNil(t, got, "%s: got null, want %v", what, want) {
		assert.InDelta(t, want, *got, tol*math.Abs(want)+1e-9, what)
	}
}

func counts(t *testing.T, what string, got, want []int) {
	t.Helper()
	assert.Equal(t, want, got, what)
}

func TestScenario(t *testing.T) {
	b, berlin := logtest.Scenario(t)
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: berlin}})
	for _, e := range b.Envs {
		m.Apply(e)
	}
	w, err := m.ParseWindow("2026-02-02", "2026-02-09", time.Now())
	require.NoError(t, err)
	require.True(t, w.From.Equal(time.Date(2026, 2, 1, 23, 0, 0, 0, time.UTC)), "window starts %v", w.From)

	f := m.Pair("it", "finance", w)
	// requested: a1..a6, a8, a9 = 8 (a0 before W, a7 at W's end).
	// delivered: a1, a2 twice, a8, a9 = 5 (a6 at W's end). returned: a2.
	// escalated: a3, a4. cancelled: a4.
	// completed: a1, a2, a8, a9 = 4. open at W's end: a0, a3, a5, a6 = 4.
	counts(t, "requested delivered returned escalated cancelled completed open",
		[]int{f.Requested, f.Delivered, f.Returned, f.Escalated, f.Cancelled, f.Completed, f.Open},
		[]int{8, 5, 1, 2, 1, 4, 4})
	near(t, "rework_rate 1/5", &f.ReworkRate, 0.2, 0)
	near(t, "escalation_rate 2/8", &f.EscalationRate, 0.25, 0)
	// Lead times 14400, 36000, 50400, 97200: mean 198000/4 = 49500; p50 is
	// rank 0.5*3 -> 36000; p90, p95, p99 are ranks 2.7, 2.85, 2.97 -> 50400.
	assert.Equal(t, 4, f.LeadTime.Count, "lead count")
	near(t, "lead mean", f.LeadTime.Mean, 49500, 0)
	near(t, "lead p50", f.LeadTime.P50, 36000, 0.01)
	near(t, "lead p90", f.LeadTime.P90, 50400, 0.01)
	near(t, "lead p95", f.LeadTime.P95, 50400, 0.01)
	near(t, "lead p99", f.LeadTime.P99, 50400, 0.01)
	// First responses in W: a1 1800, a8 14400, a2 36000, a9 36000, a3 90000
	// (a6's and a0's are after W): mean 178200/5 = 35640; p50 rank 2 ->
	// 36000; p90 rank 3.6 -> 36000.
	assert.Equal(t, 5, f.ResponseTime.Count, "response count")
	near(t, "response mean", f.ResponseTime.Mean, 35640, 0)
	near(t, "response p50", f.ResponseTime.P50, 36000, 0.01)
	near(t, "response p90", f.ResponseTime.P90, 36000, 0.01)
	// SLA: met a1 (6h <= 8h), a8 (4h <= 48h); breached a2 (14h > 8h, its
	// own v1 terms although v2 was in force when it was delivered); a9 has
	// no agreement. Open breached: a0 (9d14h > 8h), a3 (86h > 48h); at
	// risk: a5 (36h = 75% of 48h); a6 has 4h. Compliance 2/(2+1+2) = 0.4.
	counts(t, "sla met breached open_breached at_risk",
		[]int{f.SLA.Met, f.SLA.Breached, f.SLA.OpenBreached, f.SLA.AtRisk}, []int{2, 1, 2, 1})
	near(t, "compliance", f.SLA.Compliance, 0.4, 0)
	// Response SLA, v1 only: a1 met (30m <= 1h), a2 breached (10h).
	counts(t, "response sla", []int{f.ResponseSLA.Met, f.ResponseSLA.Breached}, []int{1, 1})
	near(t, "response compliance", f.ResponseSLA.Compliance, 0.5, 0)
	// Ratings: a1 2 (the re-rating replaces the 4), a2 delivery 1: 1,
	// delivery 2: 5, a8 4, a9 3 -> 5 ratings, mean 3, csat 2/5, dissatisfied 2/5.
	s := f.Satisfaction
	assert.Equal(t, 5, s.Ratings)
	assert.Equal(t, &pairstats.Distribution{One: 1, Two: 1, Three: 1, Four: 1, Five: 1}, s.Distribution)
	near(t, "rating mean", s.Mean, 3, 0)
	near(t, "csat", s.CSAT, 0.4, 0)
	near(t, "dissatisfied", s.Dissatisfied, 0.4, 0)
	// Friction: breach 35*(1-0.4) = 21, rework 25*0.2 = 5, dissatisfaction
	// 25*0.4 = 10, escalation 15*0.25 = 3.75; score 39.75, top breach.
	d := f.Friction.Drivers
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"breach", d.Breach, 21}, {"rework", d.Rework, 5}, {"dissatisfaction", d.Dissatisfaction, 10},
		{"escalation", d.Escalation, 3.75}, {"score", f.Friction.Score, 39.75}} {
		near(t, "friction "+c.name, &c.got, c.want, 1e-12)
	}
	assert.Equal(t, "breach", f.Friction.TopDriver)

	// hr -> finance: four ratings are hidden (anonymity 5), no SLA.
	h := m.Pair("hr", "finance", w)
	counts(t, "hr requested delivered completed open", []int{h.Requested, h.Delivered, h.Completed, h.Open}, []int{4, 4, 4, 0})
	near(t, "hr lead p50", h.LeadTime.P50, 3600, 0.01)
	near(t, "hr lead mean", h.LeadTime.Mean, 3600, 0)
	assert.Equal(t, pairstats.Satisfaction{Ratings: 4}, h.Satisfaction, "hr satisfaction not hidden")
	assert.Nil(t, h.SLA.Compliance, "hr compliance")
	assert.Equal(t, pairstats.Friction{TopDriver: "none"}, h.Friction, "hr friction")
	js, err := json.Marshal(h)
	require.NoError(t, err)
	for _, want := range []string{`"satisfaction":{"ratings":4,"mean":null,"csat":null,"dissatisfied":null,"distribution":null}`,
		`"sla":{"met":0,"breached":0,"open_breached":0,"at_risk":0,"compliance":null}`, `"top_driver":"none"`,
		`"lead_time_s":{"count":4,"p50":`, `"response_time_s":{"count":4,"p50":`} {
		assert.Contains(t, string(js), want)
	}
	// With a threshold of 4 they show: mean 15/4, csat 3/4, dissatisfied 1/4.
	m4 := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: berlin, AnonymityMin: 4}})
	for _, e := range b.Envs {
		m4.Apply(e)
	}
	h4 := m4.Pair("hr", "finance", w).Satisfaction
	near(t, "hr mean (4 ratings shown)", h4.Mean, 3.75, 0)
	near(t, "hr csat", h4.CSAT, 0.75, 0)
	near(t, "hr dissatisfied", h4.Dissatisfied, 0.25, 0)

	// Hotspots: only it -> finance has volume 5; with volume 1, by score.
	suppliers := func(fs []pairstats.Figures) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Supplier)
		}
		return out
	}
	assert.Equal(t, []string{"it"}, suppliers(m.Hotspots(w, 5, 10)), "hotspots from 5")
	assert.Equal(t, []string{"it", "hr"}, suppliers(m.Hotspots(w, 1, 10)), "hotspots from 1")
	assert.Len(t, m.Hotspots(w, 1, 1), 1, "hotspots limit 1")
	// A negative minimum is the policy's (default 5).
	assert.Equal(t, []string{"it"}, suppliers(m.Hotspots(w, -1, 10)), "hotspots from the policy's minimum")
	m1 := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: berlin, MinVolume: 1}})
	for _, e := range b.Envs {
		m1.Apply(e)
	}
	assert.Equal(t, []string{"it", "hr"}, suppliers(m1.Hotspots(w, -1, 10)), "hotspots from a policy's minimum of 1")

	// Scorecard of finance as a customer merges both pairs: lead times
	// 3600 x4, 14400, 36000, 50400, 97200: mean (198000+14400)/8 = 26550,
	// p50 rank 3.5 -> 3600, p90 rank 6.3 -> 50400 (merged, not averaged).
	sc := m.Scorecard("finance", w)
	fc := sc.AsCustomer
	assert.Equal(t, []any{"*", "finance", 12, 8, 9}, []any{fc.Supplier, fc.Customer, fc.Requested, fc.Completed, fc.Satisfaction.Ratings},
		"finance as customer %s", show(fc))
	near(t, "finance lead mean", fc.LeadTime.Mean, 26550, 0)
	near(t, "finance lead p50", fc.LeadTime.P50, 3600, 0.01)
	near(t, "finance lead p90", fc.LeadTime.P90, 50400, 0.01)
	assert.Equal(t, []any{"finance", "*", 0}, []any{sc.AsSupplier.Supplier, sc.AsSupplier.Customer, sc.AsSupplier.Requested},
		"finance as supplier %s", show(sc.AsSupplier))
	it := m.Scorecard("it", w).AsSupplier
	assert.Equal(t, 8, it.Requested, "it as supplier %s", show(it))
	assert.Equal(t, f.Friction.Score, it.Friction.Score, "it as supplier %s", show(it))

	ch := m.Chain(w)
	assert.Equal(t, []pairstats.Node{{ID: "finance"}, {ID: "hr"}, {ID: "it"}}, ch.Nodes)
	require.Len(t, ch.Edges, 2)
	assert.Equal(t, 8, ch.Edges[1].Volume)
	assert.NotNil(t, ch.Edges[1].Compliance)
	assert.Nil(t, ch.Edges[0].Compliance)
}

func TestScenarioBoundariesAndTimeTravel(t *testing.T) {
	b, berlin := logtest.Scenario(t)
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: berlin}})
	for _, e := range b.Envs {
		m.Apply(e)
	}
	pair := func(from, to string) pairstats.Figures {
		t.Helper()
		w, err := m.ParseWindow(from, to, time.Now())
		require.NoError(t, err)
		return m.Pair("it", "finance", w)
	}
	// The day of W's end: a7 requested and a6 delivered at 00:00 count
	// there; a6 is completed with lead 4h.
	f := pair("2026-02-09", "2026-02-10")
	counts(t, "9 Feb requested delivered completed", []int{f.Requested, f.Delivered, f.Completed}, []int{1, 1, 1})
	near(t, "9 Feb lead", f.LeadTime.Mean, 4*3600, 0)
	// 2 Feb alone: a1's first rating (4) was replaced on 3 Feb, so none.
	f = pair("2026-02-02", "2026-02-03")
	counts(t, "2 Feb ratings requested completed", []int{f.Satisfaction.Ratings, f.Requested, f.Completed}, []int{0, 1, 1})
	// As of 2 Feb 00:00 only a0 is open (a1 is requested at that instant):
	// 62h owned > 8h, breached. a0 is delivered now, but not then.
	f = pair("2026-02-01", "2026-02-02")
	counts(t, "as of 2 Feb: open open_breached at_risk", []int{f.Open, f.SLA.OpenBreached, f.SLA.AtRisk}, []int{1, 1, 0})
	// As of 31 Jan 00:00 a0 has 14h owned: breached already.
	f = pair("2026-01-30", "2026-01-31")
	counts(t, "as of 31 Jan", []int{f.Requested, f.Open, f.SLA.OpenBreached}, []int{1, 1, 1})
	// As of 8 Feb 00:00: a5 has 12h of 48h (25%), not at risk yet; a3 has
	// 62h, breached; a0 breached.
	f = pair("2026-02-07", "2026-02-08")
	counts(t, "as of 8 Feb", []int{f.Open, f.SLA.OpenBreached, f.SLA.AtRisk}, []int{3, 2, 0})
	// As of 10 Feb 00:00: a6 is delivered; open are a0 (delivered only at
	// 10:00), a3, a5 (60h, now breached) and a7 (24h of 48h, not at risk).
	f = pair("2026-02-09", "2026-02-10")
	counts(t, "as of 10 Feb", []int{f.Open, f.SLA.OpenBreached, f.SLA.AtRisk}, []int{4, 3, 0})
	// In UTC, a1's request (1 Feb 23:00 UTC) falls on 1 Feb, which in
	// Berlin has none.
	assert.Equal(t, 0, pair("2026-02-01", "2026-02-02").Requested, "Berlin 1 Feb requested")
	utc := pairstats.New(pairstats.Options{})
	for _, e := range b.Envs {
		utc.Apply(e)
	}
	w, err := utc.ParseWindow("2026-02-01", "2026-02-02", time.Now())
	require.NoError(t, err)
	assert.Equal(t, 1, utc.Pair("it", "finance", w).Requested, "UTC 1 Feb requested")
}
