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
	var t pairTable
	for _, h := range p.Handoffs {
		var held time.Duration
		var since time.Time
		delivered, returns := false, 0
		for _, s := range h.Steps {
			switch s.Verb {
			case Request, Return:
				since = s.At
				if s.Verb == Return {
					returns++
				}
			case Deliver:
				held += s.At.Sub(since)
				delivered = true
			}
		}
		t.add(h.Supplier, h.Customer, returns, held, delivered)
	}
	return t.rows()
}

// pairTable gathers the rows of PairTable, hand-off by hand-off. It keeps
// the time held of each delivered hand-off (8 bytes), for an exact median.
type pairTable struct {
	pairs map[[2]string]*pairAcc
}

type pairAcc struct {
	row  PairRow
	held []time.Duration
}

func (t *pairTable) add(supplier, customer string, returns int, held time.Duration, delivered bool) {
	if t.pairs == nil {
		t.pairs = map[[2]string]*pairAcc{}
	}
	key := [2]string{supplier, customer}
	a, ok := t.pairs[key]
	if !ok {
		a = &pairAcc{row: PairRow{Supplier: supplier, Customer: customer}}
		t.pairs[key] = a
	}
	a.row.Handoffs++
	a.row.Returns += returns
	if delivered {
		a.held = append(a.held, held)
	}
}

func (t *pairTable) rows() []PairRow {
	rows := make([]PairRow, 0, len(t.pairs))
	for _, a := range t.pairs {
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
