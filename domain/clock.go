package domain

import "time"

// Calendar measures how much countable time lies between two instants. The
// wall clock counts every second; a business-hours calendar would count
// only working time.
type Calendar interface {
	Between(from, to time.Time) time.Duration
}

// WallClock is the calendar that counts every second.
type WallClock struct{}

// Between returns to - from, or 0 when to is not after from.
func (WallClock) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	return to.Sub(from)
}

// Interval is a span of supplier-owned time; To is zero while it is open.
type Interval struct {
	From time.Time
	To   time.Time
}

// ClockRunning reports whether supplier-owned time is running: the
// hand-off is requested, accepted or returned.
func (h Handoff) ClockRunning() bool {
	return len(h.Owned) > 0 && h.Owned[len(h.Owned)-1].To.IsZero()
}

// SupplierOwned returns the supplier-owned time from the request up to
// asOf, measured with cal (nil means WallClock).
func (h Handoff) SupplierOwned(cal Calendar, asOf time.Time) time.Duration {
	if cal == nil {
		cal = WallClock{}
	}
	var total time.Duration
	for _, iv := range h.Owned {
		if !iv.From.Before(asOf) {
			break
		}
		end := iv.To
		if end.IsZero() || end.After(asOf) {
			end = asOf
		}
		total += cal.Between(iv.From, end)
	}
	return total
}

// ResolveElapsed returns the supplier-owned time from the request to the
// latest delivery; false before the first delivery.
func (h Handoff) ResolveElapsed(cal Calendar) (time.Duration, bool) {
	if h.Deliveries == 0 {
		return 0, false
	}
	return h.SupplierOwned(cal, h.LatestDeliveryAt), true
}

// RespondElapsed returns the time from the request to the first acceptance
// or delivery; false before either.
func (h Handoff) RespondElapsed(cal Calendar) (time.Duration, bool) {
	if h.FirstResponseAt.IsZero() {
		return 0, false
	}
	if cal == nil {
		cal = WallClock{}
	}
	return cal.Between(h.RequestedAt, h.FirstResponseAt), true
}
