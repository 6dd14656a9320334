package pairstats

import (
	"slices"
	"sync"

	"github.com/cadena-project/cadena/projections/internal/dursum"
)

// dense accumulates sparse sketch bins for a query.
type dense struct {
	off    int32   // index of n[0]
	n      []int64 // counts per bin
	lo, hi int32   // touched indexes, lo > hi when none
	total  int64
}

func (d *dense) reset() {
	if d.n != nil && d.lo <= d.hi {
		clear(d.n[d.lo-d.off : d.hi-d.off+1])
	}
	d.lo, d.hi, d.total = 1<<31-1, -1<<31, 0
}

func (d *dense) add(bins []bin) { d.addSigned(bins, 1) }

// addSigned adds the counts of bins times sign (1 or -1).
func (d *dense) addSigned(bins []bin, sign int64) {
	if len(bins) == 0 {
		return
	}
	first, last := bins[0].idx, bins[len(bins)-1].idx
	if d.n == nil || first < d.off || int(last-d.off) >= len(d.n) {
		d.grow(first, last)
	}
	for _, b := range bins {
		d.n[b.idx-d.off] += sign * int64(b.n)
		d.total += sign * int64(b.n)
	}
	d.lo, d.hi = min(d.lo, first), max(d.hi, last)
}

func (d *dense) grow(first, last int32) {
	if d.n == nil {
		d.off = first - 256
		d.n = make([]int64, max(1024, int(last-d.off)+256))
		return
	}
	lo, hi := min(first, d.off), max(last, d.off+int32(len(d.n))-1)
	n := make([]int64, int(hi-lo)+1+256)
	copy(n[d.off-lo:], d.n)
	d.n, d.off = n, lo
}

// quantile returns the value at quantile q of the values held, with zero
// values counted apart, exactly as a DDSketch holding them would (see
// ddsketch.DDSketch.GetValueAtQuantile and DenseStore.KeyAtRank).
func (m *Model) quantile(d *dense, zero int64, q float64) float64 {
	count := float64(zero + d.total)
	rank := float64(q * (count - 1))
	if rank < float64(zero) {
		return 0
	}
	rank -= float64(zero)
	var n int64
	for i := d.lo; i <= d.hi; i++ {
		n += d.n[i-d.off]
		if float64(n) > rank {
			return m.mapping.Value(int(i))
		}
	}
	return m.mapping.Value(int(d.hi))
}

// quantiles sets out[i] to the value at quantile qs[i], with the same
// results as quantile: lower quantiles are found from the lowest bin up,
// upper ones from the highest bin down, which reads fewer bins.
func (m *Model) quantiles(d *dense, zero int64, qs []float64, out []float64) {
	count := float64(zero + d.total)
	for k, q := range qs {
		rank := float64(q * (count - 1))
		if rank < float64(zero) {
			out[k] = 0
			continue
		}
		rank -= float64(zero)
		if q <= 0.5 {
			var n int64
			i := d.lo
			for i < d.hi && float64(n+d.n[i-d.off]) <= rank {
				n += d.n[i-d.off]
				i++
			}
			out[k] = m.mapping.Value(int(i))
			continue
		}
		// The key is the lowest i whose cumulative count exceeds rank;
		// going down, the cumulative count below i is total - above - n[i].
		above := int64(0)
		i := d.hi
		for i > d.lo && float64(d.total-above-d.n[i-d.off]) > rank {
			above += d.n[i-d.off]
			i--
		}
		out[k] = m.mapping.Value(int(i))
	}
}

// acc accumulates buckets for a query.
type acc struct {
	c          [nCounters]int64
	lead, resp dursum.Sum
	leadBins   dense
	respBins   dense
	// hideRatings is set by accumulateMember when a pair of an aggregate
	// falls short of the anonymity minimum on its own.
	hideRatings bool
}

func (a *acc) reset() {
	a.c = [nCounters]int64{}
	a.hideRatings = false
	a.lead, a.resp = dursum.Sum{}, dursum.Sum{}
	a.leadBins.reset()
	a.respBins.reset()
}

// addFacts adds the facts of b, not its level changes.
func (a *acc) addFacts(b *bucket) {
	for i := range cOpen {
		a.c[i] += int64(b.c[i])
	}
	a.lead.Merge(b.lead)
	a.resp.Merge(b.resp)
	a.leadBins.add(b.leadBins)
	a.respBins.add(b.respBins)
}

var accPool = sync.Pool{New: func() any { a := new(acc); a.reset(); return a }}

// subFacts takes the facts of b out of a.
func (a *acc) subFacts(b *bucket) {
	for i := range cOpen {
		a.c[i] -= int64(b.c[i])
	}
	a.lead.Merge(b.lead.Neg())
	a.resp.Merge(b.resp.Neg())
	a.leadBins.addSigned(b.leadBins, -1)
	a.respBins.addSigned(b.respBins, -1)
}

// accumulate adds the figures of p over days [d0, d1) to a, and its levels
// as of midnight d1. The facts are the sum of the buckets covering the
// window, or, when that reads fewer sketch bins (a window holding most of
// the pair's history), the all-time bucket minus the buckets before and
// after the window: the same counts either way, so the same figures.
func (m *Model) accumulate(p *pair, d0, d1 int32, a *acc) {
	inside, outside := m.facts(p, d0, d1, a)
	if cost(inside[:]...) <= binCost(&p.s.total)+cost(outside[:]...) {
		addAll(a, inside[:])
	} else {
		subtractFromTotal(a, &p.s.total, outside[:])
	}
}

// accumulateMember is accumulate for one pair of an aggregate (a
// scorecard, a department series): when the pair has ratings in the window
// but fewer than the anonymity minimum, the aggregate's satisfaction is
// hidden too, or the aggregate less the pairs shown would give the hidden
// pair's ratings away.
func (m *Model) accumulateMember(p *pair, d0, d1 int32, a *acc) {
	before := a.ratings()
	m.accumulate(p, d0, d1, a)
	if n := a.ratings() - before; n > 0 && !m.policy.ShowsSatisfaction(int(n)) {
		a.hideRatings = true
	}
}

// ratings is the count of ratings accumulated.
func (a *acc) ratings() int64 {
	n := int64(0)
	for s := range 5 {
		n += a.c[cRating1+s]
	}
	return n
}

// facts adds the levels of p as of midnight d1 to a and returns the
// buckets covering days [d0, d1) (inside) and those covering every other
// day of p (outside).
func (m *Model) facts(p *pair, d0, d1 int32, a *acc) (inside [3][]bucket, outside [5][]bucket) {
	inside[0], inside[1], inside[2] = p.s.span(d0, d1, false)
	outside[3], outside[4], _ = p.s.span(d1, 0, true)
	m.addLevels(p, outside[3], outside[4], &a.c)
	if len(p.s.dayKeys) > 0 && p.s.dayKeys[0] < d0 {
		outside[0], outside[1], outside[2] = p.s.span(p.s.dayKeys[0], d0, false)
	}
	return inside, outside
}

func addAll(a *acc, lists [][]bucket) {
	for _, bs := range lists {
		for i := range bs {
			a.addFacts(&bs[i])
		}
	}
}

func subtractFromTotal(a *acc, total *bucket, outside [][]bucket) {
	a.addFacts(total)
	for _, bs := range outside {
		for i := range bs {
			a.subFacts(&bs[i])
		}
	}
}

// addLevels adds to c the levels of p as of midnight d1, given the
// buckets from d1 on (after, afterMonths): the all-time sum of the level
// changes less those on d1 and later.
func (m *Model) addLevels(p *pair, after, afterMonths []bucket, c *[nCounters]int64) {
	var lv [nLevels]int64
	for k := range nLevels {
		lv[k] = int64(p.s.total.c[cOpen+k])
	}
	for _, bs := range [2][]bucket{after, afterMonths} {
		for i := range bs {
			for k := range nLevels {
				lv[k] -= int64(bs[i].c[cOpen+k])
			}
		}
	}
	for k := range nLevels {
		c[cOpen+k] += lv[k]
	}
}

// binCost is what adding b to an accumulator costs, in sketch bins read.
func binCost(b *bucket) int { return 4 + len(b.leadBins) + len(b.respBins) }

func cost(lists ...[]bucket) int {
	n := 0
	for _, bs := range lists {
		for i := range bs {
			n += binCost(&bs[i])
		}
	}
	return n
}

// figures turns an accumulator into figures.
func (m *Model) figures(supplier, customer string, a *acc, sl *slab) Figures {
	c := func(i int) int { return int(a.c[i]) }
	f := Figures{
		Supplier: supplier, Customer: customer,
		Requested: c(cRequested), Delivered: c(cDelivered), Returned: c(cReturned),
		Escalated: c(cEscalated), Cancelled: c(cCancelled), Completed: c(cCompleted),
		Open: c(cOpen),
		SLA: SLA{Met: c(cSLAMet), Breached: c(cSLABreached),
			OpenBreached: c(cOpenBreached), AtRisk: c(cAtRisk)},
		ResponseSLA: ResponseSLA{Met: c(cRespMet), Breached: c(cRespBreached)},
	}
	if n := a.c[cCompleted]; n > 0 {
		var v [4]float64
		m.quantiles(&a.leadBins, a.c[cLeadZero], []float64{0.5, 0.9, 0.95, 0.99}, v[:])
		f.LeadTime = LeadTime{Count: int(n), P50: sl.ptr(v[0]), P90: sl.ptr(v[1]), P95: sl.ptr(v[2]), P99: sl.ptr(v[3]),
			Mean: sl.ptr(a.lead.Seconds() / float64(n))}
	}
	if n := a.c[cResponded]; n > 0 {
		var v [2]float64
		m.quantiles(&a.respBins, a.c[cRespZero], []float64{0.5, 0.9}, v[:])
		f.ResponseTime = ResponseTime{Count: int(n), P50: sl.ptr(v[0]), P90: sl.ptr(v[1]),
			Mean: sl.ptr(a.resp.Seconds() / float64(n))}
	}
	var ratings [5]int
	for s := range 5 {
		ratings[s] = c(cRating1 + s)
	}
	f.setRatings(ratings, m.policy, a.hideRatings, sl)
	f.finish(sl)
	return f
}

// days returns the days [d0, d1) of w; a window that ends before it
// starts is empty, with its levels as of its end.
func (m *Model) days(w Window) (d0, d1 int32) {
	d0, d1 = dayIndex(w.From, m.loc), dayIndex(w.To, m.loc)
	return min(d0, d1), d1
}

// Pairs returns the figures of every pair with any activity in w (any
// figure but the rates non-zero), sorted by supplier, then customer.
func (m *Model) Pairs(w Window) []Figures {
	d0, d1 := m.days(w)
	fs := m.cached(queryKey{kind: qPairs, d0: d0, d1: d1}, func() any { return m.allPairs(d0, d1) }).([]Figures)
	return slices.Clone(fs)
}

// allPairs is Pairs over days [d0, d1), with m.mu held.
func (m *Model) allPairs(d0, d1 int32) []Figures {
	a := accPool.Get().(*acc)
	defer accPool.Put(a)
	out := make([]Figures, 0, len(m.sorted.Items()))
	sl := &slab{}
	for _, p := range m.sorted.Items() {
		a.reset()
		m.accumulate(p, d0, d1, a)
		if f := m.figures(p.supplier, p.customer, a, sl); !f.zero() {
			out = append(out, f)
		}
	}
	a.reset()
	return out
}

// Pair returns the figures of one pair over w; all zero (and nulls) for a
// pair without activity.
func (m *Model) Pair(supplier, customer string, w Window) Figures {
	d0, d1 := m.days(w)
	a := accPool.Get().(*acc)
	defer accPool.Put(a)
	a.reset()
	m.mu.RLock()
	defer m.mu.RUnlock()
	if p, ok := m.pairs[pairKey{supplier, customer}]; ok {
		m.accumulate(p, d0, d1, a)
	}
	f := m.figures(supplier, customer, a, nil)
	a.reset()
	return f
}

// Hotspots returns the pairs with at least minVolume hand-offs requested in
// w, by friction score (highest first), then supplier, then customer; at
// most limit of them (no cap when limit <= 0). A negative minVolume means
// the policy's (domain.Policy.MinVolume).
func (m *Model) Hotspots(w Window, minVolume, limit int) []Figures {
	if minVolume < 0 {
		minVolume = m.policy.MinVolume
	}
	d0, d1 := m.days(w)
	k := queryKey{kind: qHotspots, d0: d0, d1: d1, minVolume: minVolume, limit: max(limit, 0)}
	return slices.Clone(m.cached(k, func() any { return m.hotspots(d0, d1, minVolume, limit) }).([]Figures))
}

// Scorecard is a department's figures as a supplier (customer "*") and as
// a customer (supplier "*").
type Scorecard struct {
	Department string  `json:"department"`
	AsSupplier Figures `json:"as_supplier"`
	AsCustomer Figures `json:"as_customer"`
}

// Scorecard aggregates the figures of every pair the department is part
// of, separately as supplier and as customer: counts are summed, quantiles
// are read from the merged sketches, and rates, compliance, satisfaction
// and friction are computed from the sums. Satisfaction is hidden while a
// pair with ratings in the window has fewer than the anonymity minimum.
func (m *Model) Scorecard(department string, w Window) Scorecard {
	d0, d1 := m.days(w)
	k := queryKey{kind: qScorecard, d0: d0, d1: d1, department: department}
	return m.cached(k, func() any { return m.scorecard(department, d0, d1) }).(Scorecard)
}

// scorecard is Scorecard over days [d0, d1), with m.mu held.
func (m *Model) scorecard(department string, d0, d1 int32) Scorecard {
	sup, cus := accPool.Get().(*acc), accPool.Get().(*acc)
	defer accPool.Put(sup)
	defer accPool.Put(cus)
	sup.reset()
	cus.reset()
	for _, p := range m.sorted.Items() {
		if p.supplier == department {
			m.accumulateMember(p, d0, d1, sup)
		}
		if p.customer == department {
			m.accumulateMember(p, d0, d1, cus)
		}
	}
	sc := Scorecard{Department: department,
		AsSupplier: m.figures(department, "*", sup, nil), AsCustomer: m.figures("*", department, cus, nil)}
	sup.reset()
	cus.reset()
	return sc
}

// Chain is the graph of departments and the pairs between them.
type Chain struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node is a department.
type Node struct {
	ID string `json:"id"`
}

// Edge is a pair, from supplier to customer.
type Edge struct {
	Supplier      string   `json:"supplier"`
	Customer      string   `json:"customer"`
	Volume        int      `json:"volume"`
	FrictionScore float64  `json:"friction_score"`
	Compliance    *float64 `json:"compliance"`
}

// Chain returns the departments of the pairs with activity in w, sorted by
// ID, and one edge per such pair (in Pairs order) with its volume
// (requested in w), friction score and compliance.
func (m *Model) Chain(w Window) Chain {
	d0, d1 := m.days(w)
	ch := m.cached(queryKey{kind: qChain, d0: d0, d1: d1}, func() any { return m.chain(d0, d1) }).(Chain)
	return Chain{Nodes: slices.Clone(ch.Nodes), Edges: slices.Clone(ch.Edges)}
}
