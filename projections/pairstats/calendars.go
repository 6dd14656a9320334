package pairstats

import (
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Calendars: a hand-off's clock counts in the calendar recorded with its
// agreement (domain.AgreementTerms.Calendar), in the definition the model
// holds when it evaluates the clock: a calendar.set event replaces it from
// then on. Outcomes settled before (a delivery met or breached, a response
// in time or late, levels as of midnights already passed in the fold) stay
// as they were counted, and running clocks and later deliveries use the
// new definition; the fold follows the log, so a rebuild gives the same
// figures as the live fold.

// clock returns the calendar the clock of h counts in: its recorded
// calendar, or Options.Calendar when it has none (or the model has not
// seen its definition).
func (m *Model) clock(h *domain.Handoff) domain.Calendar {
	if c, ok := m.cals.Of(h); ok {
		return c
	}
	return m.cal
}

// setCalendar compiles a calendar's new definition and re-evaluates the
// open hand-offs that count in it from the day of the change on.
func (m *Model) setCalendar(e domain.CalendarSet) {
	m.cals.Record(e)
	day := dayIndex(e.At, m.loc)
	m.sorted.Merge()
	for _, p := range m.sorted.Items() {
		for _, hs := range p.open.All() {
			if a := hs.h.Agreement; a != nil && a.Calendar == e.CalendarID {
				m.relevel(hs, max(day, dayIndex(hs.h.LastAt, m.loc)))
			}
		}
	}
}

// ceilDay returns the first midnight at or after t.
func (m *Model) ceilDay(t time.Time) int32 {
	d := dayIndex(t, m.loc)
	if !midnight(d, m.loc).Equal(t) {
		d++
	}
	return d
}

// deadlineCrossings is crossings for a calendar that tells when a span of
// its time ends: the instants the thresholds are reached, then their days.
func (m *Model) deadlineCrossings(h *domain.Handoff, cal domain.DeadlineCalendar, first int32, risk, target time.Duration) (mr, mb int32) {
	start := h.Owned[len(h.Owned)-1].From
	base := h.SupplierOwned(cal, start)
	mr, mb = noDay, noDay
	// owned(t) = base + cal.Between(start, t) reaches risk at tr and
	// exceeds target from one nanosecond of working time after it.
	if tr, ok := cal.Add(start, risk-base); ok {
		mr = max(m.ceilDay(tr), first)
	}
	if tb, ok := cal.Add(start, target-base+1); ok {
		mb = max(m.ceilDay(tb), first)
	}
	return mr, mb
}
