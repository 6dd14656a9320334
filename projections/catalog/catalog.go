// Package catalog is the read model of departments, agreements and
// calendars: who exists, under which name, which targets are in force for
// each pair, and the business-hours calendars their clocks count in.
package catalog

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// Department is a department as listed.
type Department struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Retired      bool      `json:"retired"`
	RegisteredAt time.Time `json:"registered_at"`
}

// Agreement is the agreement in force for a pair (and kind, when narrowed).
type Agreement struct {
	Supplier       string    `json:"supplier"`
	Customer       string    `json:"customer"`
	Kind           string    `json:"kind,omitempty"`
	Version        uint64    `json:"version"`
	ResolveWithinS int64     `json:"resolve_within_s"`
	RespondWithinS int64     `json:"respond_within_s,omitempty"`
	Calendar       string    `json:"calendar,omitempty"`
	SetAt          time.Time `json:"set_at"`
}

type agreementKey struct{ supplier, customer, kind string }

// Catalog folds department and agreement events. It is safe for concurrent
// use; the zero value is not: use New.
type Catalog struct {
	mu         sync.RWMutex
	position   uint64
	depts      map[string]Department
	agreements map[agreementKey]Agreement
	calendars  map[string]Calendar
}

// New returns an empty catalog.
func New() *Catalog {
	c := &Catalog{}
	c.clearState()
	return c
}

var _ projections.Handler = (*Catalog)(nil)

// Apply folds one event; events at or below the applied position are skipped.
func (c *Catalog) Apply(env projections.Envelope) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if env.Position <= c.position {
		return
	}
	c.position = env.Position
	switch e := env.Event.(type) {
	case domain.DepartmentRegistered:
		c.depts[e.DepartmentID] = Department{ID: e.DepartmentID, Name: e.Name, RegisteredAt: e.At}
	case domain.DepartmentRenamed:
		d := c.depts[e.DepartmentID]
		d.Name = e.Name
		c.depts[e.DepartmentID] = d
	case domain.DepartmentRetired:
		d := c.depts[e.DepartmentID]
		d.Retired = true
		c.depts[e.DepartmentID] = d
	case domain.AgreementSet:
		c.agreements[agreementKey{e.Supplier, e.Customer, e.Kind}] = Agreement{
			Supplier: e.Supplier, Customer: e.Customer, Kind: e.Kind, Version: env.Version,
			ResolveWithinS: e.ResolveWithinS, RespondWithinS: e.RespondWithinS, Calendar: e.Calendar, SetAt: e.At,
		}
	case domain.CalendarSet:
		c.applyCalendar(env.Version, e)
	}
}

// Departments returns every department, retired ones included, by ID.
func (c *Catalog) Departments() []Department {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Department, 0, len(c.depts))
	for _, d := range c.depts {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Department) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Department returns one department.
func (c *Catalog) Department(id string) (Department, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.depts[id]
	return d, ok
}

// Agreements returns the agreements in force, by supplier, customer and kind.
func (c *Catalog) Agreements() []Agreement {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Agreement, 0, len(c.agreements))
	for _, a := range c.agreements {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Agreement) int {
		return cmp.Or(cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}
