package metrics_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
)

// orgOfPairsWithCalendars is orgOfPairs with every agreement counting in a
// business-hours calendar.
func orgOfPairsWithCalendars(n int) *feed {
	f := newFeed(domain.Policy{})
	day := []string{"09:00-14:00", "15:00-18:00"}
	f.apply(domain.CalendarSet{CalendarID: "office", CalendarSpec: domain.CalendarSpec{Name: "office", TimeZone: "Europe/Madrid",
		Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}, At: now.Add(-60 * 24 * time.Hour)})
	t := terms(48)
	t.Calendar = "office"
	depts := n / 10
	for p := 0; p < n; p++ {
		s, c := fmt.Sprintf("d%04d", p%depts), fmt.Sprintf("d%04d", (p/depts+1+p%depts)%depts)
		for i := 0; i < 3; i++ {
			id := fmt.Sprintf("h%d-%d", p, i)
			at := now.Add(-time.Duration(1+(p+i)%29) * 24 * time.Hour)
			f.apply(req(id, s, c, at, t))
			if i < 2 {
				f.apply(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(time.Duration(1+i*30) * time.Hour)})
			}
		}
	}
	return f
}

// BenchmarkScrapeCalendars is BenchmarkScrape with a business-hours
// calendar on every agreement: the clock gauges count working time.
func BenchmarkScrapeCalendars(b *testing.B) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(orgOfPairsWithCalendars(10000).business(metrics.BusinessOptions{Now: func() time.Time { return now }}))
	b.ResetTimer()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestClockGaugesCountWorkingTime: a hand-off requested on Friday evening
// with an 8h target is not breached on Monday morning in working time,
// though it is in wall-clock time.
func TestClockGaugesCountWorkingTime(t *testing.T) {
	day := []string{"09:00-17:00"}
	spec := domain.CalendarSpec{Name: "office", TimeZone: "UTC", Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
	friday := time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC)
	monday := time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC) // 1h + 3h of working time
	f := newFeed(domain.Policy{})
	f.apply(domain.CalendarSet{CalendarID: "office", CalendarSpec: spec, At: friday.Add(-time.Hour)})
	worked := terms(8)
	worked.Calendar = "office"
	f.apply(req("h1", "legal", "sales", friday, worked), req("h2", "legal", "sales", friday, terms(8)))
	clocks := f.t.OpenClocks(monday)
	require.Len(t, clocks, 1)
	assert.Equal(t, 2, clocks[0].Running)
	assert.Equal(t, 1, clocks[0].Breached, "the wall clock's hand-off only")
	assert.Equal(t, 0, clocks[0].AtRisk, "4h of 8h in working time")
}
