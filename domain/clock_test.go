package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/domain"
)

func TestSupplierOwnedClock(t *testing.T) {
	m := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	// requested 0, accepted 10, paused 20-50 (customer), delivered 70,
	// returned 100 (customer reviewed 30 min), delivered again 130.
	h := run(t, request("h1"),
		domain.HandoffCommand{Name: domain.Accept, At: m(10)},
		domain.HandoffCommand{Name: domain.Pause, Reason: "waiting", At: m(20)},
		domain.HandoffCommand{Name: domain.Resume, At: m(50)},
		domain.HandoffCommand{Name: domain.Deliver, At: m(70)},
		domain.HandoffCommand{Name: domain.Return, Reason: "typo", At: m(100)},
		domain.HandoffCommand{Name: domain.Deliver, At: m(130)})
	tests := []struct {
		asOf time.Time
		want time.Duration
	}{
		{m(0), 0},
		{m(15), 15 * time.Minute},
		{m(30), 20 * time.Minute},  // paused at 20
		{m(60), 30 * time.Minute},  // 20 + 10 since resume
		{m(90), 40 * time.Minute},  // delivered at 70: 20 + 20
		{m(110), 50 * time.Minute}, // returned at 100: 40 + 10
		{m(500), 70 * time.Minute}, // delivered at 130: 40 + 30
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, h.SupplierOwned(nil, tt.asOf), "SupplierOwned(%s)", tt.asOf.Sub(t0))
	}
	got, ok := h.ResolveElapsed(domain.WallClock{})
	assert.True(t, ok)
	assert.Equal(t, 70*time.Minute, got, "ResolveElapsed")
	got, ok = h.RespondElapsed(nil)
	assert.True(t, ok)
	assert.Equal(t, 10*time.Minute, got, "RespondElapsed")
	assert.False(t, h.ClockRunning(), "clock runs after delivery")
}

// halfCalendar counts half of every span, to show the clock takes a calendar.
type halfCalendar struct{}

func (halfCalendar) Between(from, to time.Time) time.Duration { return to.Sub(from) / 2 }

func TestClockUsesCalendar(t *testing.T) {
	h := run(t, request("h1"), domain.HandoffCommand{Name: domain.Deliver, At: t0.Add(4 * time.Hour)})
	got, _ := h.ResolveElapsed(halfCalendar{})
	assert.Equal(t, 2*time.Hour, got, "ResolveElapsed with half calendar")
}

func TestRespondElapsedWithoutAcceptUsesDelivery(t *testing.T) {
	h := run(t, request("h1"), domain.HandoffCommand{Name: domain.Deliver, At: t0.Add(3 * time.Hour)},
		domain.HandoffCommand{Name: domain.Return, Reason: "x", At: t0.Add(4 * time.Hour)},
		domain.HandoffCommand{Name: domain.Accept, At: t0.Add(5 * time.Hour)})
	got, ok := h.RespondElapsed(nil)
	assert.True(t, ok)
	assert.Equal(t, 3*time.Hour, got, "RespondElapsed: the first delivery")
}
