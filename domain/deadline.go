package domain

import "time"

// ResolveDueAt returns the instant at which the supplier-owned time of h
// reaches its resolve target if the clock keeps running, measured with cal
// (nil means WallClock); it lies in the past when the target was reached
// already. False when the clock is not running, h has no agreement, or cal
// never counts that much time.
func (h Handoff) ResolveDueAt(cal DeadlineCalendar) (time.Time, bool) {
	if h.Agreement == nil || !h.ClockRunning() {
		return time.Time{}, false
	}
	if cal == nil {
		cal = WallClock{}
	}
	rem := h.Agreement.ResolveWithin()
	for _, iv := range h.Owned {
		if iv.To.IsZero() {
			return cal.Add(iv.From, rem)
		}
		w := cal.Between(iv.From, iv.To)
		if w >= rem {
			return cal.Add(iv.From, rem)
		}
		rem -= w
	}
	return time.Time{}, false // unreachable: the last interval is open
}

// RespondDueAt returns the instant by which the first response is due,
// measured with cal (nil means WallClock). False once answered, when h is
// cancelled, has no respond target, or cal never counts that much time.
func (h Handoff) RespondDueAt(cal DeadlineCalendar) (time.Time, bool) {
	if h.Agreement == nil || h.Agreement.RespondWithinS <= 0 || !h.FirstResponseAt.IsZero() || !h.Open() {
		return time.Time{}, false
	}
	if cal == nil {
		cal = WallClock{}
	}
	return cal.Add(h.RequestedAt, h.Agreement.RespondWithin())
}
