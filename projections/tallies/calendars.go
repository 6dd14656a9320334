package tallies

import "github.com/cadena-project/cadena/domain"

// clock returns the calendar the clock of h counts in: its recorded
// calendar, or Options.Calendar when it has none (or the model has not
// seen its definition).
func (m *Model) clock(h *domain.Handoff) domain.Calendar {
	if c, ok := m.cals.Of(h); ok {
		return c
	}
	return m.cal
}

// setCalendar compiles a calendar's new definition; clocks evaluated from
// now on count in it.
func (m *Model) setCalendar(e domain.CalendarSet) {
	m.cals.Record(e)
}
