package tallies

import "time"

// PairTotals are the all-time counts of one pair. Requested, Delivered,
// Returned, Escalated, Cancelled, OutcomesMet, OutcomesBreached and
// RatingEvents only grow, as Prometheus counters must: every delivery of a
// hand-off with an agreement counts one outcome, every rating one event.
// Ratings follows the current state: a re-rating moves a rating.
type PairTotals struct {
	Supplier  string
	Customer  string
	Requested int
	Delivered int
	Returned  int
	Escalated int
	Cancelled int
	// Ratings counts the latest rating of every delivery per score; index
	// 0 is score 1.
	Ratings [5]int

	OutcomesMet      int    // deliveries within the resolve target
	OutcomesBreached int    // deliveries over it
	RatingEvents     [5]int // every rating, re-ratings included, per score
}

// Totals returns the all-time counts of every pair, sorted by supplier,
// then customer.
func (m *Model) Totals() []PairTotals {
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	out := make([]PairTotals, 0, len(m.sorted.Items()))
	for _, p := range m.sorted.Items() {
		out = append(out, p.t)
	}
	return out
}

// LeadTimeHistogram returns the lead times (seconds) observed at every
// delivery of the pair, all time, as a cumulative histogram: counts[i] is
// how many are at most bounds[i] (bounds ascending), sum and count are
// exact. A hand-off returned and delivered again is observed at each
// delivery, so the histogram only grows, as a Prometheus histogram must.
// Counts are read from sketch bins, so a lead time within 1% of a bound may
// be counted on either side of it.
func (m *Model) LeadTimeHistogram(supplier, customer string, bounds []float64) (counts []uint64, sum float64, count uint64) {
	counts = make([]uint64, len(bounds))
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.pairs[pairKey{supplier, customer}]
	if !ok {
		return counts, 0, 0
	}
	for i, b := range bounds {
		if b >= 0 {
			counts[i] = p.leadZero
		}
		for _, bn := range p.leadBins {
			if m.mapping.Value(int(bn.idx)) > b {
				break
			}
			counts[i] += bn.n
		}
	}
	return counts, p.leadSum.Seconds(), p.leadCount
}

// OpenClock counts a pair's open hand-offs by the state of their clock.
// Running and Paused split the open hand-offs; Breached (supplier-owned
// time over the resolve target) and AtRisk (at least the policy's at-risk
// share of it, domain.Policy.AtRisk, not breached) count those with an
// agreement.
type OpenClock struct {
	Supplier string
	Customer string
	Running  int
	Paused   int
	AtRisk   int
	Breached int
}

// OpenClocks returns, for every pair with open hand-offs, their clocks as
// of asOf, which is meant to be now: hand-offs are taken in their current
// state.
func (m *Model) OpenClocks(asOf time.Time) []OpenClock {
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	var out []OpenClock
	for _, p := range m.sorted.Items() {
		if p.open.Len() == 0 {
			continue
		}
		oc := OpenClock{Supplier: p.supplier, Customer: p.customer}
		for _, hs := range p.open.All() {
			h := hs.h
			if h.ClockRunning() {
				oc.Running++
			} else {
				oc.Paused++
			}
			if a := h.Agreement; a != nil {
				owned, target := h.SupplierOwned(m.clock(h), asOf), a.ResolveWithin()
				if owned > target {
					oc.Breached++
				} else if m.policy.AtRisk(owned, target) {
					oc.AtRisk++
				}
			}
		}
		out = append(out, oc)
	}
	return out
}
