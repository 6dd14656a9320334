package handoffindex

import (
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

var _ projections.Snapshotter = (*Index)(nil)

// SnapshotName names the index's snapshot encoding.
func (x *Index) SnapshotName() string { return "handoffindex/3" }

// SaveSnapshot writes the index's state: the calendars, then the entries
// in request order (the map by ID follows from it: a request seen twice
// replaces the earlier entry in it), each with the state it keeps (none
// once closed).
func (x *Index) SaveSnapshot(e *projections.Encoder) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e.Calendars(&x.cals)
	x.nums.Save(e)
	e.Uint(uint64(x.byNum.Len()))
	for i := range x.byNum.Len() {
		e.Uint(uint64(*x.byNum.Get(uint32(i + 1))))
	}
	e.Uint(uint64(x.order.Len()))
	for i := range x.order.Len() {
		en := x.order.Get(uint32(i + 1))
		e.Uint(en.position)
		e.ID(en.id)
		e.String(en.title)
		for _, n := range []uint32{en.supplier, en.customer, en.kind, en.calendar, en.state} {
			e.Symbol(x.syms.Text(n))
		}
		e.Int(int64(en.escalations))
		e.Int(int64(en.deliveries))
		e.Int(int64(en.returns))
		e.Time(x.zones.time(en.requested))
		e.Time(x.zones.time(en.updated))
		e.HandoffRef(en.h)
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (x *Index) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	cals := d.Calendars()
	nums := projections.LoadNums(d)
	var byNum projections.Slots[uint32]
	for i := range d.Len(1 << 32) {
		if d.Err() != nil {
			break
		}
		*byNum.At(uint32(i + 1)) = uint32(d.Uint())
	}
	n := d.Len(1 << 32)
	var order projections.Slots[entry]
	syms := newSymbols()
	var zs zones
	for i := range n {
		if d.Err() != nil {
			break
		}
		en := order.At(uint32(i + 1))
		en.position, en.id, en.title = d.Uint(), d.ID(), d.String()
		en.supplier, en.customer, en.kind = syms.Of(d.Symbol()), syms.Of(d.Symbol()), syms.Of(d.Symbol())
		en.calendar, en.state = syms.Of(d.Symbol()), syms.Of(d.Symbol())
		en.escalations, en.deliveries, en.returns = int32(d.Int()), int32(d.Int()), int32(d.Int())
		en.requested, en.updated = zs.instant(d.Time()), zs.instant(d.Time())
		en.h = d.HandoffRef()
	}
	return func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		x.position, x.order, x.byNum, x.nums, x.syms, x.zones, x.cals = pos, order, byNum, nums, syms, zs, cals
	}
}

var _ projections.Resetter = (*Index)(nil)

// ResetState drops the index's state, leaving it as New returned it.
func (x *Index) ResetState() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.clearState()
}

// clearState sets the index to that of an empty log: New's, and
// ResetState's.
func (x *Index) clearState() {
	x.position, x.order, x.byNum, x.nums = 0, projections.Slots[entry]{}, projections.Slots[uint32]{}, projections.Nums{}
	x.syms, x.zones, x.cals = newSymbols(), zones{}, domain.Calendars{}
}
