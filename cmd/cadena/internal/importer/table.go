package importer

import (
	"cmp"
	"slices"
	"time"
)

// PairRow is one supplier -> customer pair of a plan, for a dry run.
type PairRow struct {
	Supplier, Customer string
	Handoffs, Returns  int
	// MedianHeld is the median, over the pair's hand-offs delivered at
	// least once, of the time the supplier held each (from its request or
	// a return to the next delivery, summed); -1 when none was delivered.
	MedianHeld time.Duration
}

// PairTable returns the pairs of p by volume (hand-offs, then returns,
// most first), then supplier and customer.
func (p *Plan) PairTable() []PairRow {
	type acc struct {
		row  PairRow
		held []time.Duration
	}
	pairs := map[[2]string]*acc{}
	for _, h := range p.Handoffs {
		key := [2]string{h.Supplier, h.Customer}
		a, ok := pairs[key]
		if !ok {
			a = &acc{row: PairRow{Supplier: h.Supplier, Customer: h.Customer}}
			pairs[key] = a
		}
		a.row.Handoffs++
		var held time.Duration
		var since time.Time
		delivered := false
		for _, s := range h.Steps {
			switch s.Verb {
			case Request, Return:
				since = s.At
				if s.Verb == Return {
					a.row.Returns++
				}
			case Deliver:
				held += s.At.Sub(since)
				delivered = true
			}
		}
		if delivered {
			a.held = append(a.held, held)
		}
	}
	rows := make([]PairRow, 0, len(pairs))
	for _, a := range pairs {
		a.row.MedianHeld = -1
		if n := len(a.held); n > 0 {
			slices.Sort(a.held)
			a.row.MedianHeld = a.held[n/2]
			if n%2 == 0 {
				a.row.MedianHeld = (a.held[n/2-1] + a.held[n/2]) / 2
			}
		}
		rows = append(rows, a.row)
	}
	slices.SortFunc(rows, func(a, b PairRow) int {
		return cmp.Or(cmp.Compare(b.Handoffs, a.Handoffs), cmp.Compare(b.Returns, a.Returns),
			cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.Customer, b.Customer))
	})
	return rows
}
