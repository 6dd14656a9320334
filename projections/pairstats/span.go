package pairstats

import "time"

// Span is the business-time range of the hand-off events the model has
// counted, ratings excepted (when a rating was given is not for every
// role), and the window of whole days (in the policy's time zone, To
// exclusive) that covers it. Empty is true, and the times zero, while no
// hand-off event has been counted.
type Span struct {
	Empty       bool
	First, Last time.Time
	Window      Window
}

// note widens the span to a counted event's business time. Called with
// m.mu held.
func (m *Model) note(t time.Time) {
	if m.first.IsZero() || t.Before(m.first) {
		m.first = t
	}
	if t.After(m.last) {
		m.last = t
	}
}

// Span returns the business-time range of the hand-off history folded so
// far: an imported log from years ago is found by it.
func (m *Model) Span() Span {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.first.IsZero() {
		return Span{Empty: true}
	}
	f, l := m.first.In(m.loc), m.last.In(m.loc)
	from := midnight(civilDay(f.Date()), m.loc)
	to := midnight(civilDay(l.Date())+1, m.loc)
	return Span{First: m.first, Last: m.last, Window: Window{From: from, To: to}}
}
