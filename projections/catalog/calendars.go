package catalog

import (
	"cmp"
	"slices"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Calendar is a business-hours calendar as listed: its latest definition.
type Calendar struct {
	ID   string `json:"id"`
	Spec domain.CalendarSpec
	// Version is the version of the calendar's stream.
	Version   uint64    `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// applyCalendar folds a calendar event; the caller holds the lock.
func (c *Catalog) applyCalendar(version uint64, e domain.CalendarSet) {
	if c.calendars == nil {
		c.calendars = map[string]Calendar{}
	}
	c.calendars[e.CalendarID] = Calendar{ID: e.CalendarID, Spec: e.CalendarSpec, Version: version, UpdatedAt: e.At}
}

// Calendars returns every calendar, by ID.
func (c *Catalog) Calendars() []Calendar {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Calendar, 0, len(c.calendars))
	for _, cal := range c.calendars {
		out = append(out, cal)
	}
	slices.SortFunc(out, func(a, b Calendar) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
