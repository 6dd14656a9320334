package handoffindex

import "github.com/cadena-project/cadena/domain"

// Deadlines: every summary shows its resolve deadline (due_at), counted in
// the working time of the calendar its agreement names, in the latest
// definition the index has folded; a calendar's new definition moves the
// deadlines of the hand-offs that count in it.

func (x *Index) calendar(h *domain.Handoff) domain.DeadlineCalendar {
	if c, ok := x.cals.Of(h); ok {
		return c
	}
	return domain.WallClock{}
}

// withDue returns the summary of e with its deadline and calendar; the
// caller holds the lock.
func (x *Index) withDue(e *entry) Summary {
	s := x.summary(e)
	s.Calendar = x.syms.Text(e.calendar)
	if e.h == nil {
		return s // closed: the clock does not run
	}
	if t, ok := e.h.ResolveDueAt(x.calendar(e.h)); ok {
		t = t.UTC()
		s.DueAt = &t
	}
	return s
}

// setCalendar compiles a calendar's new definition; the caller holds the
// lock.
func (x *Index) setCalendar(e domain.CalendarSet) {
	x.cals.Record(e)
}
