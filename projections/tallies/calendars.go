package tallies

import "github.com/cadena-project/cadena/domain"

// clock returns the calendar the clock of h counts in: its recorded
// calendar, or Options.Calendar when it has none (or the model has not
// seen its definition).
func (m *Model) clock(h *domain.Handoff) domain.Calendar {
	if a := h.Agreement; a != nil && a.Calendar != "" {
		if c, ok := m.cals[a.Calendar]; ok {
			return c
		}
	}
	return m.cal
}

// setCalendar compiles a calendar's new definition; clocks evaluated from
// now on count in it.
func (m *Model) setCalendar(e domain.CalendarSet) {
	c, err := domain.CompileCalendar(e.CalendarSpec)
	if err != nil {
		return // the domain validated it before recording; an invalid one counts as unknown
	}
	if m.cals == nil {
		m.cals = map[string]*domain.WorkCalendar{}
	}
	m.cals[e.CalendarID] = c
}
