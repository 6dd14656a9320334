package tallies

import (
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/dursum"
	"github.com/cadena-project/cadena/projections/internal/lazysort"
)

var _ projections.Snapshotter = (*Model)(nil)

// SnapshotName names the model's snapshot encoding.
func (m *Model) SnapshotName() string { return "tallies/3" }

// SaveSnapshot writes the model's state: the pairs in order, then every
// hand-off with the number of its pair and whether it is open.
func (m *Model) SaveSnapshot(e *projections.Encoder) {
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	e.Calendars(&m.cals)
	num := make(map[*pair]uint64, len(m.sorted.Items()))
	e.Uint(uint64(len(m.sorted.Items())))
	for i, p := range m.sorted.Items() {
		num[p] = uint64(i)
		t := &p.t
		e.Symbol(p.supplier)
		e.Symbol(p.customer)
		for _, v := range []int{t.Requested, t.Delivered, t.Returned, t.Escalated, t.Cancelled, t.OutcomesMet, t.OutcomesBreached} {
			e.Int(int64(v))
		}
		for i := range t.Ratings {
			e.Int(int64(t.Ratings[i]))
			e.Int(int64(t.RatingEvents[i]))
		}
		e.Uint(p.leadCount)
		e.Int(p.leadSum.Sec)
		e.Int(p.leadSum.Nsec)
		e.Uint(p.leadZero)
		e.Uint(uint64(len(p.leadBins)))
		for _, b := range p.leadBins {
			e.Int(int64(b.idx))
			e.Uint(b.n)
		}
	}
	m.nums.Save(e)
	e.Uint(uint64(m.handoffs.Len()))
	for i := range m.handoffs.Len() {
		hs := m.handoffs.Get(uint32(i + 1))
		if hs.pair == nil {
			e.Uint(0)
			continue
		}
		open := hs.open.In()
		e.Uint(num[hs.pair] + 1)
		e.Bool(open)
		e.Bool(hs.rating.ok)
		e.Int(int64(hs.rating.delivery))
		e.Int(int64(hs.rating.score))
		e.HandoffRef(hs.h)
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (m *Model) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	cals := d.Calendars()
	sorted := make([]*pair, d.Len(1<<30))
	pairs := make(map[pairKey]*pair, len(sorted))
	for i := range sorted {
		k := pairKey{d.Symbol(), d.Symbol()}
		p := &pair{pairKey: k}
		t := &p.t
		t.Supplier, t.Customer = k.supplier, k.customer
		for _, v := range []*int{&t.Requested, &t.Delivered, &t.Returned, &t.Escalated, &t.Cancelled, &t.OutcomesMet, &t.OutcomesBreached} {
			*v = int(d.Int())
		}
		for i := range t.Ratings {
			t.Ratings[i], t.RatingEvents[i] = int(d.Int()), int(d.Int())
		}
		p.leadCount = d.Uint()
		p.leadSum = dursum.Sum{Sec: d.Int(), Nsec: d.Int()}
		p.leadZero = d.Uint()
		if n := d.Len(1 << 30); n > 0 {
			p.leadBins = make([]bin, n)
			for i := range p.leadBins {
				p.leadBins[i] = bin{idx: int32(d.Int()), n: d.Uint()}
			}
		}
		sorted[i], pairs[k] = p, p
	}
	nums := projections.LoadNums(d)
	n := d.Len(1 << 32)
	var handoffs projections.Slots[handoff]
	kinds := map[string]string{}
	for i := range n {
		pi := d.Len(len(sorted))
		if d.Err() != nil {
			break
		}
		if pi == 0 {
			continue
		}
		hs := handoffs.At(uint32(i + 1))
		hs.pair = sorted[pi-1]
		open := d.Bool()
		hs.rating = ratingRef{ok: d.Bool(), delivery: int32(d.Int()), score: int8(d.Int())}
		hs.h = d.HandoffRef()
		if open {
			hs.pair.open.Add(hs)
		}
		if hs.h != nil {
			kinds[hs.h.Kind] = hs.h.Kind
		}
	}
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.pos, m.cals, m.pairs, m.sorted, m.handoffs, m.nums, m.kinds = pos, cals, pairs, lazysort.NewList(byPair, sorted...), handoffs, nums, kinds
	}
}

var _ projections.Resetter = (*Model)(nil)

// ResetState drops the model's state, leaving it as New returned it.
func (m *Model) ResetState() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clearState()
}

// clearState sets the folded state to that of an empty log: New's, and
// ResetState's.
func (m *Model) clearState() {
	m.pos, m.cals, m.pairs, m.sorted = 0, domain.Calendars{}, map[pairKey]*pair{}, lazysort.NewList(byPair)
	m.handoffs, m.nums, m.kinds = projections.Slots[handoff]{}, projections.Nums{}, map[string]string{}
}
