package catalog

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

var _ projections.Snapshotter = (*Catalog)(nil)

// SnapshotName names the catalog's snapshot encoding.
func (c *Catalog) SnapshotName() string { return "catalog/1" }

// SaveSnapshot writes the catalog's state, each map in the order of its
// keys: the same state is written as the same bytes.
func (c *Catalog) SaveSnapshot(e *projections.Encoder) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e.Uint(uint64(len(c.depts)))
	for _, id := range slices.Sorted(maps.Keys(c.depts)) {
		d := c.depts[id]
		e.String(d.ID)
		e.String(d.Name)
		e.Bool(d.Retired)
		e.Time(d.RegisteredAt)
	}
	e.Uint(uint64(len(c.agreements)))
	keys := slices.SortedFunc(maps.Keys(c.agreements), func(a, b agreementKey) int {
		return cmp.Or(cmp.Compare(a.supplier, b.supplier), cmp.Compare(a.customer, b.customer), cmp.Compare(a.kind, b.kind))
	})
	for _, k := range keys {
		a := c.agreements[k]
		e.Symbol(a.Supplier)
		e.Symbol(a.Customer)
		e.Symbol(a.Kind)
		e.Uint(a.Version)
		e.Int(a.ResolveWithinS)
		e.Int(a.RespondWithinS)
		e.Symbol(a.Calendar)
		e.Time(a.SetAt)
	}
	e.Bool(c.calendars != nil)
	e.Uint(uint64(len(c.calendars)))
	for _, id := range slices.Sorted(maps.Keys(c.calendars)) {
		cal := c.calendars[id]
		spec, _ := json.Marshal(cal.Spec) // plain data: cannot fail
		e.String(cal.ID)
		e.String(string(spec))
		e.Uint(cal.Version)
		e.Time(cal.UpdatedAt)
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (c *Catalog) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	depts := map[string]Department{}
	for range d.Len(1 << 30) {
		dep := Department{ID: d.String(), Name: d.String(), Retired: d.Bool(), RegisteredAt: d.Time()}
		depts[dep.ID] = dep
	}
	agreements := map[agreementKey]Agreement{}
	for range d.Len(1 << 30) {
		a := Agreement{Supplier: d.Symbol(), Customer: d.Symbol(), Kind: d.Symbol(), Version: d.Uint(),
			ResolveWithinS: d.Int(), RespondWithinS: d.Int(), Calendar: d.Symbol(), SetAt: d.Time()}
		agreements[agreementKey{a.Supplier, a.Customer, a.Kind}] = a
	}
	var calendars map[string]Calendar
	if d.Bool() {
		calendars = map[string]Calendar{}
	}
	for range d.Len(1 << 30) {
		cal := Calendar{ID: d.String()}
		var spec domain.CalendarSpec
		if err := json.Unmarshal([]byte(d.String()), &spec); err != nil {
			d.Fail(err)
		}
		cal.Spec, cal.Version, cal.UpdatedAt = spec, d.Uint(), d.Time()
		calendars[cal.ID] = cal
	}
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.position, c.depts, c.agreements, c.calendars = pos, depts, agreements, calendars
	}
}

var _ projections.Resetter = (*Catalog)(nil)

// ResetState drops the catalog's state, leaving it as New returned it.
func (c *Catalog) ResetState() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearState()
}

// clearState sets the catalog to that of an empty log: New's, and
// ResetState's.
func (c *Catalog) clearState() {
	c.position, c.depts, c.agreements, c.calendars = 0, map[string]Department{}, map[agreementKey]Agreement{}, nil
}
