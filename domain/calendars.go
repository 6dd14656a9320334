package domain

// Calendars holds the latest compiled definition of each calendar a read
// model has folded, by calendar ID. The zero value is empty and ready to
// use; it is not safe for concurrent use (its read model's lock guards it).
type Calendars struct {
	byID map[string]*WorkCalendar
	sets map[string]CalendarSet // the definitions recorded, for Definitions
}

// Record compiles the definition e records; clocks evaluated from now on
// count in it. A definition that does not compile (the domain validated it
// before it was recorded) leaves the calendar unknown.
func (c *Calendars) Record(e CalendarSet) {
	wc, err := CompileCalendar(e.CalendarSpec)
	if err != nil {
		return
	}
	if c.byID == nil {
		c.byID = map[string]*WorkCalendar{}
		c.sets = map[string]CalendarSet{}
	}
	c.byID[e.CalendarID] = wc
	c.sets[e.CalendarID] = e
}

// Definitions returns the definitions recorded, one per calendar in no
// particular order: recording them into an empty Calendars gives the same
// calendars (a read model's snapshot keeps them so).
func (c *Calendars) Definitions() []CalendarSet {
	out := make([]CalendarSet, 0, len(c.sets))
	for _, e := range c.sets {
		out = append(out, e)
	}
	return out
}

// Of returns the calendar the clock of h counts in: the one recorded with
// its agreement, if a definition of it was recorded; false otherwise (the
// caller's default applies).
func (c *Calendars) Of(h *Handoff) (*WorkCalendar, bool) {
	a := h.Agreement
	if a == nil || a.Calendar == "" {
		return nil, false
	}
	wc, ok := c.byID[a.Calendar]
	return wc, ok
}
