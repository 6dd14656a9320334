package pairstats

import (
	"cmp"
	"slices"
)

// BrightSpots are the pairs that serve best over a window and those whose
// friction fell most against the previous window of the same length.
type BrightSpots struct {
	// PreviousFrom and PreviousTo are the previous window (YYYY-MM-DD, to
	// exclusive): as many days as the window, ending where it starts.
	PreviousFrom string        `json:"previous_from"`
	PreviousTo   string        `json:"previous_to"`
	Best         []Figures     `json:"best"`
	Improved     []Improvement `json:"improved"`
}

// Improvement is a pair whose friction score fell.
type Improvement struct {
	Supplier      string  `json:"supplier"`
	Customer      string  `json:"customer"`
	FrictionScore float64 `json:"friction_score"`
	// PreviousFrictionScore is the score over the previous window.
	PreviousFrictionScore float64 `json:"previous_friction_score"`
	// Drop is PreviousFrictionScore - FrictionScore, always > 0.
	Drop              float64 `json:"drop"`
	Requested         int     `json:"requested"`
	PreviousRequested int     `json:"previous_requested"`
}

// BrightSpots returns at most limit (no cap when limit <= 0) of each list;
// a negative minVolume means the policy's (domain.Policy.MinVolume).
//
// Best holds the pairs with at least minVolume hand-offs requested in w,
// ordered by SLA compliance (highest first, pairs without one after every
// pair with one), then CSAT (likewise; hidden under anonymity counts as
// none), then rework rate (lowest first), then escalation rate (lowest
// first), then requested (highest first), then supplier, then customer.
//
// Improved holds the pairs with at least minVolume requested in both w and
// the previous window whose friction score fell, by drop (largest first),
// then supplier, then customer.
func (m *Model) BrightSpots(w Window, minVolume, limit int) BrightSpots {
	if minVolume < 0 {
		minVolume = m.policy.MinVolume
	}
	d0, d1 := m.days(w)
	p0 := d0 - (d1 - d0)
	prev := Window{From: midnight(p0, m.loc), To: midnight(d0, m.loc)}
	out := BrightSpots{PreviousFrom: formatDay(p0), PreviousTo: formatDay(d0), Best: []Figures{}, Improved: []Improvement{}}

	cur := m.Pairs(w)
	before := map[pairKey]Figures{}
	for _, f := range m.Pairs(prev) {
		before[pairKey{f.Supplier, f.Customer}] = f
	}
	for _, f := range cur {
		if f.Requested < minVolume {
			continue
		}
		out.Best = append(out.Best, f)
		if b, ok := before[pairKey{f.Supplier, f.Customer}]; ok && b.Requested >= minVolume && b.Friction.Score > f.Friction.Score {
			out.Improved = append(out.Improved, Improvement{Supplier: f.Supplier, Customer: f.Customer,
				FrictionScore: f.Friction.Score, PreviousFrictionScore: b.Friction.Score,
				Drop: b.Friction.Score - f.Friction.Score, Requested: f.Requested, PreviousRequested: b.Requested})
		}
	}
	slices.SortStableFunc(out.Best, compareService)
	slices.SortStableFunc(out.Improved, func(a, b Improvement) int {
		if c := cmp.Compare(b.Drop, a.Drop); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Supplier, b.Supplier); c != 0 {
			return c
		}
		return cmp.Compare(a.Customer, b.Customer)
	})
	if limit > 0 {
		out.Best = out.Best[:min(limit, len(out.Best))]
		out.Improved = out.Improved[:min(limit, len(out.Improved))]
	}
	return out
}

// compareService orders figures best-serving first (see BrightSpots).
func compareService(a, b Figures) int {
	if c := higherFirst(a.SLA.Compliance, b.SLA.Compliance); c != 0 {
		return c
	}
	if c := higherFirst(a.Satisfaction.CSAT, b.Satisfaction.CSAT); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ReworkRate, b.ReworkRate); c != 0 {
		return c
	}
	if c := cmp.Compare(a.EscalationRate, b.EscalationRate); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Requested, a.Requested); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Supplier, b.Supplier); c != 0 {
		return c
	}
	return cmp.Compare(a.Customer, b.Customer)
}

// higherFirst orders higher values first and nil after any value.
func higherFirst(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*b, *a)
}
