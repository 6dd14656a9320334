package tallies_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/tallies"
)

// TestCalendarChange: a new definition applies to running clocks and to
// later deliveries from the moment it is recorded; outcomes settled before
// stay as they were, and a rebuild from the log gives the same tallies.
func TestCalendarChange(t *testing.T) {
	day := []string{"09:00-17:00"}
	office := domain.CalendarSpec{Name: "office", TimeZone: "UTC", Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
	allDay := []string{"00:00-24:00"}
	always := domain.CalendarSpec{Name: "always", TimeZone: "UTC", Week: domain.Week{
		Mon: allDay, Tue: allDay, Wed: allDay, Thu: allDay, Fri: allDay, Sat: allDay, Sun: allDay}}
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) } // 6 March 2026 is a Friday
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 8 * 3600, Calendar: "office"}

	b := logtest.New(t)
	b.Other(domain.CalendarSet{CalendarID: "office", CalendarSpec: office, At: at(1, 0)})
	b.Request("settled", "it", "legal", at(5, 16), terms)
	b.Do("settled", domain.HandoffCommand{Name: domain.Deliver, At: at(6, 15)}) // office: 1h Thursday + 6h Friday
	for _, id := range []string{"running", "later"} {
		b.Request(id, "it", "legal", at(6, 16), terms)
	}
	// Before the change, on Monday 9 at 10:00 the running clock has 1h
	// Friday + 1h Monday of office time: neither at risk nor breached.
	before := logtest.New(t)
	before.Envs = b.Envs
	require.Equal(t, []tallies.OpenClock{{Supplier: "it", Customer: "legal", Running: 2}},
		fold(before, tallies.Options{}).OpenClocks(at(9, 10)), "office time before the change")

	b.Other(domain.CalendarSet{CalendarID: "office", CalendarSpec: always, At: at(7, 12)})
	b.Do("later", domain.HandoffCommand{Name: domain.Deliver, At: at(9, 10)}) // always: 66h

	live := fold(b, tallies.Options{})
	tot := live.Totals()
	require.Len(t, tot, 1)
	assert.Equal(t, 1, tot[0].OutcomesMet, "settled under the office calendar, it stays met")
	assert.Equal(t, 1, tot[0].OutcomesBreached, "delivered after the change: counted all day")
	assert.Equal(t, []tallies.OpenClock{{Supplier: "it", Customer: "legal", Running: 1, Breached: 1}},
		live.OpenClocks(at(12, 0)), "the running clock counts all day since the change")

	rebuilt := fold(b, tallies.Options{})
	assert.Equal(t, live.Totals(), rebuilt.Totals())
	assert.Equal(t, live.OpenClocks(at(12, 0)), rebuilt.OpenClocks(at(12, 0)))
}

// TestDefaultCalendar: Options.Calendar measures the clocks of agreements
// that name no calendar.
func TestDefaultCalendar(t *testing.T) {
	day := []string{"09:00-17:00"}
	cal, err := domain.CompileCalendar(domain.CalendarSpec{Name: "office", TimeZone: "UTC",
		Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}})
	require.NoError(t, err)
	friday := time.Date(2026, 6, 5, 16, 0, 0, 0, time.UTC)
	monday := time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC) // 1h + 3h of working time, 68h of wall-clock time
	b := logtest.New(t)
	b.Request("h1", "legal", "sales", friday, &domain.AgreementTerms{Version: 1, ResolveWithinS: 8 * 3600})
	assert.Equal(t, []tallies.OpenClock{{Supplier: "legal", Customer: "sales", Running: 1, Breached: 1}},
		fold(b, tallies.Options{}).OpenClocks(monday), "wall clock")
	assert.Equal(t, []tallies.OpenClock{{Supplier: "legal", Customer: "sales", Running: 1}},
		fold(b, tallies.Options{Calendar: cal}).OpenClocks(monday), "working time")
}
