package pairstats

import (
	"cmp"
	"slices"
)

// Ranking: the hotspots and the chain need only counters (the friction
// score, the volume and the compliance are functions of counts), so they
// are computed without reading a sketch bin, and the hotspots' full
// figures, quantiles included, only for the pairs they return.

// counts adds to c the counters of p over days [d0, d1) and its levels as
// of midnight d1: the counters accumulate adds, from the buckets covering
// the window or the all-time bucket minus those outside it, whichever
// reads fewer buckets.
func (m *Model) counts(p *pair, d0, d1 int32, c *[nCounters]int64) {
	head, months, tail := p.s.span(d0, d1, false)
	after, afterMonths, _ := p.s.span(d1, 0, true)
	m.addLevels(p, after, afterMonths, c)
	var before [3][]bucket
	if len(p.s.dayKeys) > 0 && p.s.dayKeys[0] < d0 {
		before[0], before[1], before[2] = p.s.span(p.s.dayKeys[0], d0, false)
	}
	outside := 1 + len(after) + len(afterMonths) + len(before[0]) + len(before[1]) + len(before[2])
	if len(head)+len(months)+len(tail) <= outside {
		for _, bs := range [3][]bucket{head, months, tail} {
			for i := range bs {
				for k := range cOpen {
					c[k] += int64(bs[i].c[k])
				}
			}
		}
		return
	}
	for k := range cOpen {
		c[k] += int64(p.s.total.c[k])
	}
	for _, bs := range [5][]bucket{before[0], before[1], before[2], after, afterMonths} {
		for i := range bs {
			for k := range cOpen {
				c[k] -= int64(bs[i].c[k])
			}
		}
	}
}

// countFigures turns counters into figures: every figure but the
// quantiles and means of lead and response times, which need the sketch
// bins and are left nil.
func (m *Model) countFigures(supplier, customer string, c *[nCounters]int64, sl *slab) Figures {
	n := func(i int) int { return int(c[i]) }
	f := Figures{
		Supplier: supplier, Customer: customer,
		Requested: n(cRequested), Delivered: n(cDelivered), Returned: n(cReturned),
		Escalated: n(cEscalated), Cancelled: n(cCancelled), Completed: n(cCompleted),
		Open:         n(cOpen),
		LeadTime:     LeadTime{Count: n(cCompleted)},
		ResponseTime: ResponseTime{Count: n(cResponded)},
		SLA: SLA{Met: n(cSLAMet), Breached: n(cSLABreached),
			OpenBreached: n(cOpenBreached), AtRisk: n(cAtRisk)},
		ResponseSLA: ResponseSLA{Met: n(cRespMet), Breached: n(cRespBreached)},
	}
	var ratings [5]int
	for s := range 5 {
		ratings[s] = n(cRating1 + s)
	}
	f.setRatings(ratings, m.policy, false, sl)
	f.finish(sl)
	return f
}

// ranked is a pair and its friction score over a window.
type ranked struct {
	score float64
	p     *pair
}

// hotspots is Hotspots over days [d0, d1), with m.mu held: the pairs are
// ranked on their friction score from counters alone, and only the first
// limit get their full figures.
func (m *Model) hotspots(d0, d1 int32, minVolume, limit int) []Figures {
	rs := make([]ranked, 0, len(m.sorted.Items()))
	scratch := &slab{}
	for _, p := range m.sorted.Items() {
		var c [nCounters]int64
		m.counts(p, d0, d1, &c)
		if c[cRequested] < int64(minVolume) {
			continue
		}
		scratch.floats, scratch.dists = scratch.floats[:0], scratch.dists[:0]
		if f := m.countFigures("", "", &c, scratch); !f.zero() {
			rs = append(rs, ranked{f.Friction.Score, p})
		}
	}
	// m.sorted is by supplier, then customer: a stable sort by score
	// keeps that order among equal scores.
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.score, a.score) })
	if limit > 0 && len(rs) > limit {
		rs = rs[:limit]
	}
	a := accPool.Get().(*acc)
	defer accPool.Put(a)
	out := make([]Figures, len(rs))
	sl := &slab{}
	for i, r := range rs {
		a.reset()
		m.accumulate(r.p, d0, d1, a)
		out[i] = m.figures(r.p.supplier, r.p.customer, a, sl)
	}
	a.reset()
	return out
}

// chain is Chain over days [d0, d1), with m.mu held, from counters alone.
func (m *Model) chain(d0, d1 int32) Chain {
	ch := Chain{Nodes: []Node{}, Edges: []Edge{}}
	seen := map[string]bool{}
	sl := &slab{}
	for _, p := range m.sorted.Items() {
		var c [nCounters]int64
		m.counts(p, d0, d1, &c)
		f := m.countFigures(p.supplier, p.customer, &c, sl)
		if f.zero() {
			continue
		}
		ch.Edges = append(ch.Edges, Edge{Supplier: f.Supplier, Customer: f.Customer, Volume: f.Requested,
			FrictionScore: f.Friction.Score, Compliance: f.SLA.Compliance})
		for _, d := range []string{f.Supplier, f.Customer} {
			if !seen[d] {
				seen[d] = true
				ch.Nodes = append(ch.Nodes, Node{ID: d})
			}
		}
	}
	slices.SortFunc(ch.Nodes, func(a, b Node) int { return cmp.Compare(a.ID, b.ID) })
	return ch
}

// Score is a pair's friction score and SLA compliance over a window: the
// Friction.Score and SLA.Compliance of its Figures.
type Score struct {
	Supplier, Customer string
	Friction           float64
	Compliance         *float64
}

// Scores returns the score of every pair Pairs returns for w, in the same
// order, computed from counters alone.
func (m *Model) Scores(w Window) []Score {
	d0, d1 := m.days(w)
	return slices.Clone(m.cached(queryKey{kind: qScores, d0: d0, d1: d1}, func() any { return m.scores(d0, d1) }).([]Score))
}

func (m *Model) scores(d0, d1 int32) []Score {
	out := make([]Score, 0, len(m.sorted.Items()))
	sl := &slab{}
	for _, p := range m.sorted.Items() {
		var c [nCounters]int64
		m.counts(p, d0, d1, &c)
		if f := m.countFigures(p.supplier, p.customer, &c, sl); !f.zero() {
			out = append(out, Score{Supplier: p.supplier, Customer: p.customer, Friction: f.Friction.Score, Compliance: f.SLA.Compliance})
		}
	}
	return out
}
