package domain

// Calendars holds the latest compiled definition of each calendar a read
// model has folded, by calendar ID. The zero value is empty and ready to
// use; it is not safe for concurrent use (its read model's lock guards it).
type Calendars struct {
	byID map[string]*WorkCalendar
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
	}
	c.byID[e.CalendarID] = wc
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
