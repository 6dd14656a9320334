package handoffindex

import "github.com/cadena-project/cadena/projections"

var _ projections.Snapshotter = (*Index)(nil)

// SnapshotName names the index's snapshot encoding.
func (x *Index) SnapshotName() string { return "handoffindex/2" }

// SaveSnapshot writes the index's state: the entries in request order
// (the map by ID follows from it: a request seen twice replaces the
// earlier entry in it) and the calendars.
func (x *Index) SaveSnapshot(e *projections.Encoder) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e.Calendars(&x.cals)
	e.Uint(uint64(len(x.order)))
	for _, en := range x.order {
		e.Uint(en.position)
		e.Time(en.updatedAt)
		e.HandoffRef(en.h)
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (x *Index) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	cals := d.Calendars()
	n := d.Len(1 << 32)
	order := make([]*entry, 0, n)
	byID := make(map[string]*entry, n)
	entries := make([]entry, n) // one allocation for all
	for i := range n {
		en := &entries[i]
		if d.Err() != nil {
			break
		}
		en.position, en.updatedAt, en.h = d.Uint(), d.Time(), d.HandoffRef()
		order = append(order, en)
		byID[en.h.ID] = en
	}
	return func() {
		x.mu.Lock()
		defer x.mu.Unlock()
		x.position, x.order, x.byID, x.cals = pos, order, byID, cals
	}
}
