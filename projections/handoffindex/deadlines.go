package handoffindex

import "github.com/cadena-project/cadena/domain"

// Deadlines: every summary shows its resolve deadline (due_at), counted in
// the working time of the calendar its agreement names, in the latest
// definition the index has folded; a calendar's new definition moves the
// deadlines of the hand-offs that count in it.

// clock is what the index keeps of a hand-off to tell its deadline.
type clock struct {
	h domain.Handoff // title dropped
}

func (x *Index) calendar(h *domain.Handoff) domain.DeadlineCalendar {
	if a := h.Agreement; a != nil && a.Calendar != "" {
		if c, ok := x.cals[a.Calendar]; ok {
			return c
		}
	}
	return domain.WallClock{}
}

// track folds e into the clock of s and updates its deadline.
func (x *Index) track(s *Summary, e domain.Event) {
	if x.clocks == nil {
		x.clocks = map[*Summary]*clock{}
	}
	c, ok := x.clocks[s]
	if !ok {
		c = &clock{}
		x.clocks[s] = c
	}
	c.h = domain.EvolveHandoff(c.h, e)
	c.h.Title = ""
	if a := c.h.Agreement; a != nil {
		s.Calendar = a.Calendar
	}
	x.due(s, c)
}

func (x *Index) due(s *Summary, c *clock) {
	s.DueAt = nil
	if t, ok := c.h.ResolveDueAt(x.calendar(&c.h)); ok {
		t = t.UTC()
		s.DueAt = &t
	}
}

// setCalendar compiles a calendar's new definition and moves the deadlines
// that count in it.
func (x *Index) setCalendar(e domain.CalendarSet) {
	cal, err := domain.CompileCalendar(e.CalendarSpec)
	if err != nil {
		return // validated before it was recorded
	}
	if x.cals == nil {
		x.cals = map[string]*domain.WorkCalendar{}
	}
	x.cals[e.CalendarID] = cal
	for s, c := range x.clocks {
		if s.Calendar == e.CalendarID && c.h.ClockRunning() {
			x.due(s, c)
		}
	}
}
