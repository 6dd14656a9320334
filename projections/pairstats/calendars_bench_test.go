package pairstats

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

var (
	bigCalOnce  sync.Once
	bigCalModel *Model
)

// benchCalendar is an office week in Madrid with two holidays.
func benchCalendar() domain.CalendarSpec {
	day := []string{"09:00-14:00", "15:00-18:00"}
	return domain.CalendarSpec{Name: "Madrid office", TimeZone: "Europe/Madrid",
		Week:       domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: []string{"08:00-15:00"}},
		Exceptions: []domain.CalendarException{{Date: "2025-05-01", Name: "Labour day"}, {Date: "2025-12-25", Name: "Christmas"}}}
}

// bigWithCalendars is big() with every agreement counting in the office
// calendar.
func bigWithCalendars() *Model {
	bigCalOnce.Do(func() {
		envs := benchLog(1000, 365)
		bigCalModel = New(Options{})
		bigCalModel.Apply(projections.Envelope{Position: 1, Event: domain.CalendarSet{CalendarID: "office",
			CalendarSpec: benchCalendar(), At: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)}})
		for _, env := range envs {
			if e, ok := env.Event.(domain.HandoffRequested); ok && e.Agreement != nil {
				t := *e.Agreement
				t.Calendar = "office"
				e.Agreement = &t
				env.Event = e
			}
			env.Position++
			bigCalModel.Apply(env)
		}
	})
	return bigCalModel
}

// BenchmarkPairsYearCalendars is BenchmarkPairsYear with a business-hours
// calendar on every agreement.
func BenchmarkPairsYearCalendars(b *testing.B) {
	m := bigWithCalendars()
	w := Window{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if n := len(m.Pairs(w)); n != 1000 {
		b.Fatalf("%d pairs", n)
	}
	for range 50 {
		m.Pairs(w)
	}
	runtime.GC()
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		m.Pairs(w)
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
}
