package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// The edges of working time, each expected value worked out by hand from
// the calendar's definition (Madrid: CET = UTC+1 in winter, CEST = UTC+2
// from Sunday 2026-03-29 02:00 to Sunday 2026-10-25 03:00).

func everyDayUTC() domain.CalendarSpec {
	d := []string{"09:00-18:00"}
	return domain.CalendarSpec{Name: "UTC office", TimeZone: "UTC",
		Week: domain.Week{Mon: d, Tue: d, Wed: d, Thu: d, Fri: d, Sat: d, Sun: d}}
}

func TestWorkCalendarEdges(t *testing.T) {
	h := time.Hour
	m := func(year int, month time.Month, day, hour, min int) time.Time {
		return time.Date(year, month, day, hour, min, 0, 0, madrid)
	}
	utc := func(year int, month time.Month, day, hour int) time.Time {
		return time.Date(year, month, day, hour, 0, 0, 0, time.UTC)
	}

	// Saturday 2026-11-14 is a holiday (no effect: Saturday has no hours)
	// and Sunday 2026-11-15 is a working half day 09:00-13:00.
	weekend := office()
	weekend.Exceptions = append(weekend.Exceptions,
		domain.CalendarException{Date: "2026-11-14", Name: "holiday on a saturday"},
		domain.CalendarException{Date: "2026-11-15", Name: "sunday opening", Hours: []string{"09:00-13:00"}})
	// Saturday and Sunday nights, 22:00-24:00 then 00:00-06:00.
	night := nights()
	// 02:00-03:00 on Sundays: on 2026-03-29 that local hour does not exist.
	skipped := domain.CalendarSpec{Name: "skipped", TimeZone: "Europe/Madrid",
		Week: domain.Week{Sun: []string{"01:00-02:00", "03:00-04:00"}}}
	// A night in the gap and the fold, the same definition in Madrid and
	// New York (EST to EDT on 2026-03-08 at 07:00Z, back on 2026-11-01 at
	// 06:00Z).
	gapSpec := func(zone string) domain.CalendarSpec {
		return domain.CalendarSpec{Name: "gap", TimeZone: zone, Week: domain.Week{Sun: []string{"01:00-02:30"}}}
	}
	foldSpec := func(zone string) domain.CalendarSpec {
		return domain.CalendarSpec{Name: "fold", TimeZone: zone, Week: domain.Week{Sun: []string{"02:00-03:00"}}}
	}
	newYork := mustZone("America/New_York")
	ny := func(month time.Month, day int) time.Time { return time.Date(2026, month, day, 0, 0, 0, 0, newYork) }
	gapMad, gapNY := compile(t, gapSpec("Europe/Madrid")), compile(t, gapSpec("America/New_York"))
	foldMad, foldNY := compile(t, foldSpec("Europe/Madrid")), compile(t, foldSpec("America/New_York"))

	off, wk, nt, sk, all := compile(t, office()), compile(t, weekend), compile(t, night), compile(t, skipped), compile(t, everyDayUTC())

	between := []struct {
		name     string
		cal      *domain.WorkCalendar
		from, to time.Time
		want     time.Duration
	}{
		// Mon 9th is Almudena (0), Tue-Thu 8h each, Fri 7h: 31h; the
		// Saturday holiday takes nothing more, the Sunday opening adds 4h.
		{"holiday on a saturday changes nothing", wk, m(2026, 11, 9, 0, 0), m(2026, 11, 15, 0, 0), 31 * h},
		{"exception with hours on a sunday", wk, m(2026, 11, 15, 0, 0), m(2026, 11, 16, 0, 0), 4 * h},
		// Sat 28 22:00-24:00 CET (2h); Sun 29 00:00 CET (23:00Z) to 06:00
		// CEST (04:00Z) is 5h.
		{"weekend night across spring forward", nt, m(2026, 3, 28, 21, 0), m(2026, 3, 29, 7, 0), 7 * h},
		// Sun 25 00:00 CEST (24th 22:00Z) to 06:00 CET (05:00Z) is 7h.
		{"weekend night across fall back", nt, m(2026, 10, 24, 21, 0), m(2026, 10, 25, 7, 0), 9 * h},
		// Dec 31 22:00-24:00 (21:00Z-23:00Z) and Jan 1 00:00-06:00
		// (Dec 31 23:00Z - Jan 1 05:00Z): the UTC new year falls inside.
		{"night shift across the new year", nt, m(2026, 12, 31, 21, 0), m(2027, 1, 1, 7, 0), 8 * h},
		// 01:00-02:00 CET (00:00Z-01:00Z), then 03:00-04:00 CEST
		// (01:00Z-02:00Z): the two hours are adjacent instants, 2h.
		{"hours around the skipped hour", sk, m(2026, 3, 29, 0, 0), m(2026, 3, 30, 0, 0), 2 * h},
		// 01:00-02:00 CEST (23:00Z-00:00Z) and 03:00-04:00 CET
		// (02:00Z-03:00Z): 2h.
		{"hours around the repeated hour", sk, m(2026, 10, 25, 0, 0), m(2026, 10, 26, 0, 0), 2 * h},
		// The wall clock shows 01:00-02:30 from 01:00 CET (00:00Z) to the
		// jump at 02:00 CET (01:00Z): 1h, as in New York from 01:00 EST
		// (06:00Z) to its jump at 07:00Z.
		{"an interval ending in the skipped hour, east", gapMad, m(2026, 3, 29, 0, 0), m(2026, 3, 30, 0, 0), h},
		{"an interval ending in the skipped hour, west", gapNY, ny(3, 8), ny(3, 9), h},
		// 02:00-03:00 on the night the clocks go back: in Madrid from the
		// first 02:00 (CEST, 00:00Z) to 03:00 CET (02:00Z); in New York the
		// repeated hour is 01:00-02:00, so 02:00-03:00 is shown once, 02:00
		// EST (07:00Z) to 03:00 EST (08:00Z).
		{"an interval over the repeated hour, east", foldMad, m(2026, 10, 25, 0, 0), m(2026, 10, 26, 0, 0), 2 * h},
		{"an interval after the repeated hour, west", foldNY, ny(11, 1), ny(11, 2), h},
		// On the night the clocks go forward 02:00-03:00 is never shown.
		{"an interval inside the skipped hour", foldMad, m(2026, 3, 29, 0, 0), m(2026, 3, 30, 0, 0), 0},
		{"a span ending exactly at the end of a work span", off, m(2026, 11, 13, 8, 0), m(2026, 11, 13, 15, 0), 7 * h},
		{"an empty instant range", off, m(2026, 11, 10, 10, 0), m(2026, 11, 10, 10, 0), 0},
		// Only 2000-01-01 09:00-18:00Z counts.
		{"before 2000 counts nothing", all, utc(1999, 12, 30, 0), utc(2000, 1, 2, 0), 9 * h},
		// Only 2099-12-31 09:00-18:00Z counts.
		{"after 2099 counts nothing", all, utc(2099, 12, 31, 0), utc(2100, 1, 3, 0), 9 * h},
		{"wholly outside the span", all, utc(1990, 1, 1, 0), utc(1999, 1, 1, 0), 0},
		// Every UTC day of 2001 (365) has 9h.
		{"a whole year", all, utc(2001, 1, 1, 0), utc(2002, 1, 1, 0), 365 * 9 * h},
	}
	for _, tt := range between {
		t.Run("between/"+tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cal.Between(tt.from, tt.to))
		})
	}

	add := []struct {
		name string
		cal  *domain.WorkCalendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		// Friday 08:00-15:00: 7h lands exactly at the end of the span,
		// which is the deadline (not Monday 09:00).
		{"deadline exactly at the end of friday's span", off, m(2026, 11, 13, 8, 0), 7 * h, m(2026, 11, 13, 15, 0)},
		{"one hour from friday 14:00 is 15:00", off, m(2026, 11, 13, 14, 0), h, m(2026, 11, 13, 15, 0)},
		// From the end of Friday's span the next hour is Monday 09:00-10:00.
		{"from the end of a span", off, m(2026, 11, 13, 15, 0), h, m(2026, 11, 16, 10, 0)},
		// 2h on Fri 13 (13:00-15:00), Sat holiday, Sun 09:00-13:00 gives
		// 4h: 2h more reaches Sun 11:00.
		{"through a saturday holiday to a sunday opening", wk, m(2026, 11, 13, 13, 0), 4 * h, m(2026, 11, 15, 11, 0)},
		// Sat 28 22:00-24:00 (2h), then 3h from Sun 00:00 CET (23:00Z):
		// 02:00Z, which is 04:00 CEST.
		{"night shift into spring forward", nt, m(2026, 3, 28, 22, 0), 5 * h, m(2026, 3, 29, 4, 0)},
		// Sat 24 22:00-24:00 (2h), then 3h from Sun 00:00 CEST (22:00Z):
		// 01:00Z, which is 02:00 CET, the second 02:00 of that night.
		{"night shift into fall back", nt, m(2026, 10, 24, 22, 0), 5 * h, time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)},
		// Dec 31 23:30 to 24:00 (30 min), then 90 min from Jan 1 00:00
		// (Dec 31 23:00Z) reaches 00:30Z, past the UTC new year: 01:30 local.
		{"night shift across the new year", nt, m(2026, 12, 31, 23, 30), 2 * h, m(2027, 1, 1, 1, 30)},
		{"from before 2000 starts counting in 2000", all, utc(1999, 12, 31, 12), h, utc(2000, 1, 1, 10)},
		{"last hour of the span", all, utc(2099, 12, 31, 17), h, utc(2099, 12, 31, 18)},
	}
	for _, tt := range add {
		t.Run("add/"+tt.name, func(t *testing.T) {
			got, ok := tt.cal.Add(tt.from, tt.d)
			require.True(t, ok)
			assert.True(t, tt.want.Equal(got), "Add = %s, want %s", got.UTC(), tt.want.UTC())
		})
	}

	// Santiago skips 2026-09-06 00:00 (24:00 -04 becomes 01:00 -03): with
	// work all day every day, Saturday noon (16:00Z) to Sunday noon (15:00Z)
	// is 23 real hours, Sunday's work starts at the jump (04:00Z) and the
	// 1h from Saturday 23:30 -04 (03:30Z) ends at 04:30Z, 01:30 -03.
	allDay := []string{"00:00-24:00"}
	santiago := compile(t, domain.CalendarSpec{Name: "always", TimeZone: "America/Santiago", Week: domain.Week{
		Mon: allDay, Tue: allDay, Wed: allDay, Thu: allDay, Fri: allDay, Sat: allDay, Sun: allDay}})
	assert.Equal(t, 23*h, santiago.Between(time.Date(2026, 9, 5, 16, 0, 0, 0, time.UTC), time.Date(2026, 9, 6, 15, 0, 0, 0, time.UTC)))
	due, ok := santiago.Add(time.Date(2026, 9, 6, 3, 30, 0, 0, time.UTC), h)
	require.True(t, ok)
	assert.True(t, time.Date(2026, 9, 6, 4, 30, 0, 0, time.UTC).Equal(due), "due %s", due.UTC())

	_, ok = all.Add(utc(2099, 12, 31, 17), h+time.Nanosecond)
	assert.False(t, ok, "no working time after 2099")
	_, ok = all.Add(utc(2100, 1, 1, 0), time.Nanosecond)
	assert.False(t, ok, "from past the span")
}

// TestHandoffDueAtEdges reads due_at and respond_due_at where the target
// lands at the end of a span, after a weekend holiday, and across DST.
func TestHandoffDueAtEdges(t *testing.T) {
	off := compile(t, office())
	h := time.Hour
	m := func(month time.Month, day, hour, min int) time.Time { return local(madrid, month, day, hour, min) }
	req := func(at time.Time, resolve, respond int64) domain.Handoff {
		return domain.EvolveHandoff(domain.Handoff{}, domain.HandoffRequested{HandoffID: "h1", Supplier: "legal", Customer: "sales",
			Kind: "k", Title: "t", At: at,
			Agreement: &domain.AgreementTerms{Version: 1, ResolveWithinS: resolve, RespondWithinS: respond, Calendar: "madrid"}})
	}

	// Requested Friday 2026-11-13 08:00 with 7h: due Friday 15:00, the end
	// of Friday's span; respond within 1h: 09:00.
	st := req(m(11, 13, 8, 0), 7*3600, 3600)
	dueAt(t, m(11, 13, 15, 0))(st.ResolveDueAt(off))
	dueAt(t, m(11, 13, 9, 0))(st.RespondDueAt(off))
	assert.Equal(t, 7*h, st.SupplierOwned(off, m(11, 16, 9, 0)), "nothing counted over the weekend")

	// Requested Friday 2026-03-27 14:00 with 3h: 1h Friday, Monday
	// 2026-03-30 (CEST now) 09:00-11:00. In UTC that is 07:00-09:00Z.
	st = req(m(3, 27, 14, 0), 3*3600, 0)
	dueAt(t, time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC))(st.ResolveDueAt(off))
	_, ok := st.RespondDueAt(off)
	assert.False(t, ok, "no respond target")

	// Requested Friday 2026-10-23 14:00 (CEST, 12:00Z) with 3h: Monday
	// 2026-10-26 (CET) 11:00 local, 10:00Z.
	st = req(m(10, 23, 14, 0), 3*3600, 0)
	dueAt(t, time.Date(2026, 10, 26, 10, 0, 0, 0, time.UTC))(st.ResolveDueAt(off))
}

// dueAt returns a check that a deadline was found and is want.
func dueAt(t *testing.T, want time.Time) func(time.Time, bool) {
	return func(got time.Time, ok bool) {
		t.Helper()
		require.True(t, ok, "no deadline")
		assert.True(t, want.Equal(got), "due %s, want %s", got.UTC(), want.UTC())
	}
}
