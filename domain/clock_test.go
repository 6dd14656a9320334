package domain_test

import (
	"testing"
	"time"

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
		if got := h.SupplierOwned(nil, tt.asOf); got != tt.want {
			t.Errorf("SupplierOwned(%s) = %s, want %s", tt.asOf.Sub(t0), got, tt.want)
		}
	}
	if got, ok := h.ResolveElapsed(domain.WallClock{}); !ok || got != 70*time.Minute {
		t.Errorf("ResolveElapsed = %s %v, want 70m", got, ok)
	}
	if got, ok := h.RespondElapsed(nil); !ok || got != 10*time.Minute {
		t.Errorf("RespondElapsed = %s %v, want 10m", got, ok)
	}
	if h.ClockRunning() {
		t.Error("clock runs after delivery")
	}
}

// halfCalendar counts half of every span, to show the clock takes a calendar.
type halfCalendar struct{}

func (halfCalendar) Between(from, to time.Time) time.Duration { return to.Sub(from) / 2 }

func TestClockUsesCalendar(t *testing.T) {
	h := run(t, request("h1"), domain.HandoffCommand{Name: domain.Deliver, At: t0.Add(4 * time.Hour)})
	if got, _ := h.ResolveElapsed(halfCalendar{}); got != 2*time.Hour {
		t.Fatalf("ResolveElapsed with half calendar = %s, want 2h", got)
	}
}

func TestRespondElapsedWithoutAcceptUsesDelivery(t *testing.T) {
	h := run(t, request("h1"), domain.HandoffCommand{Name: domain.Deliver, At: t0.Add(3 * time.Hour)},
		domain.HandoffCommand{Name: domain.Return, Reason: "x", At: t0.Add(4 * time.Hour)},
		domain.HandoffCommand{Name: domain.Accept, At: t0.Add(5 * time.Hour)})
	if got, ok := h.RespondElapsed(nil); !ok || got != 3*time.Hour {
		t.Fatalf("RespondElapsed = %s, want 3h (first delivery)", got)
	}
}
