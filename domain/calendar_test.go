package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

var (
	madrid = mustZone("Europe/Madrid")
	mexico = mustZone("America/Mexico_City")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func office() domain.CalendarSpec {
	day := []string{"09:00-14:00", "15:00-18:00"}
	return domain.CalendarSpec{Name: "Madrid office", TimeZone: "Europe/Madrid",
		Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: []string{"08:00-15:00"}},
		Exceptions: []domain.CalendarException{
			{Date: "2026-11-09", Name: "Almudena"},
			{Date: "2026-12-24", Name: "Nochebuena", Hours: []string{"09:00-13:00"}},
		}}
}

func nights() domain.CalendarSpec {
	n := []string{"00:00-06:00", "22:00-24:00"}
	return domain.CalendarSpec{Name: "Night shift", TimeZone: "Europe/Madrid",
		Week: domain.Week{Mon: n, Tue: n, Wed: n, Thu: n, Fri: n, Sat: n, Sun: n}}
}

func mexicoOffice() domain.CalendarSpec {
	d := []string{"09:00-18:00"}
	return domain.CalendarSpec{Name: "CDMX", TimeZone: "America/Mexico_City",
		Week: domain.Week{Mon: d, Tue: d, Wed: d, Thu: d, Fri: d}}
}

func compile(t testing.TB, spec domain.CalendarSpec) *domain.WorkCalendar {
	t.Helper()
	c, err := domain.CompileCalendar(spec)
	require.NoError(t, err)
	return c
}

func local(loc *time.Location, month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, loc)
}

func TestWorkCalendarBetween(t *testing.T) {
	off, night, cdmx := compile(t, office()), compile(t, nights()), compile(t, mexicoOffice())
	m := func(month time.Month, day, hour, min int) time.Time { return local(madrid, month, day, hour, min) }
	h := time.Hour
	tests := []struct {
		name     string
		cal      *domain.WorkCalendar
		from, to time.Time
		want     time.Duration
	}{
		{"office day", off, m(11, 10, 0, 0), m(11, 11, 0, 0), 8 * h},
		{"starts and ends outside hours", off, m(11, 10, 7, 0), m(11, 10, 20, 0), 8 * h},
		{"within the lunch break", off, m(11, 10, 14, 10), m(11, 10, 14, 50), 0},
		{"across the lunch break", off, m(11, 10, 13, 30), m(11, 10, 15, 30), h},
		{"friday hours", off, m(11, 13, 0, 0), m(11, 14, 0, 0), 7 * h},
		{"weekend", off, m(11, 14, 0, 0), m(11, 16, 0, 0), 0},
		{"holiday", off, m(11, 9, 0, 0), m(11, 10, 0, 0), 0},
		{"half day", off, m(12, 24, 0, 0), m(12, 25, 0, 0), 4 * h},
		{"week with a holiday", off, m(11, 9, 0, 0), m(11, 16, 0, 0), 3*8*h + 7*h},
		{"office days across spring forward", off, m(3, 27, 0, 0), m(3, 31, 0, 0), 7*h + 8*h},
		{"office days across fall back", off, m(10, 23, 0, 0), m(10, 27, 0, 0), 7*h + 8*h},
		{"night shift crossing midnight", night, m(11, 10, 23, 0), m(11, 11, 1, 0), 2 * h},
		{"night shift on spring forward", night, m(3, 29, 0, 0), m(3, 29, 12, 0), 5 * h},
		{"night shift on fall back", night, m(10, 25, 0, 0), m(10, 25, 12, 0), 7 * h},
		{"night and evening around fall back", night, m(10, 24, 12, 0), m(10, 25, 12, 0), 2*h + 7*h},
		{"mexico city, no summer time", cdmx, local(mexico, 7, 1, 0, 0), local(mexico, 7, 2, 0, 0), 9 * h},
		{"mexico city in UTC", cdmx, time.Date(2026, 7, 1, 15, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 16, 0, 0, 0, time.UTC), h},
		{"mexico city before 09:00 local", cdmx, time.Date(2026, 4, 6, 14, 0, 0, 0, time.UTC), time.Date(2026, 4, 6, 15, 0, 0, 0, time.UTC), 0},
		{"reversed", off, m(11, 11, 0, 0), m(11, 10, 0, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cal.Between(tt.from, tt.to))
		})
	}
}

func TestWorkCalendarAdd(t *testing.T) {
	off, night, cdmx := compile(t, office()), compile(t, nights()), compile(t, mexicoOffice())
	m := func(month time.Month, day, hour, min int) time.Time { return local(madrid, month, day, hour, min) }
	h := time.Hour
	tests := []struct {
		name string
		cal  *domain.WorkCalendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"target exactly on a break", off, m(11, 10, 9, 0), 5 * h, m(11, 10, 14, 0)},
		{"just past the break", off, m(11, 10, 9, 0), 5*h + time.Nanosecond, m(11, 10, 15, 0).Add(time.Nanosecond)},
		{"from outside hours", off, m(11, 10, 20, 0), h, m(11, 11, 10, 0)},
		{"over the weekend", off, m(11, 13, 14, 0), 2 * h, m(11, 16, 10, 0)},
		{"skips the holiday", off, m(11, 6, 14, 0), 2 * h, m(11, 10, 10, 0)},
		{"half day, then a friday", off, m(12, 24, 12, 0), 2 * h, m(12, 25, 9, 0)},
		{"across spring forward", off, m(3, 27, 14, 0), 2 * h, m(3, 30, 10, 0)},
		{"across fall back", off, m(10, 23, 14, 0), 2 * h, m(10, 26, 10, 0)},
		{"night shift on fall back", night, m(10, 25, 0, 0), 7 * h, m(10, 25, 6, 0)},
		{"night shift on spring forward", night, m(3, 29, 0, 0), 6 * h, m(3, 29, 22, 0).Add(h)},
		{"crossing midnight", night, m(11, 10, 23, 0), 2 * h, m(11, 11, 1, 0)},
		{"mexico city", cdmx, local(mexico, 7, 1, 17, 0), 2 * h, local(mexico, 7, 2, 10, 0)},
		{"nothing to add", off, m(11, 14, 3, 0), 0, m(11, 14, 3, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.cal.Add(tt.from, tt.d)
			require.True(t, ok)
			assert.True(t, tt.want.Equal(got), "Add = %s, want %s", got.In(tt.want.Location()), tt.want)
			assert.Equal(t, tt.d, tt.cal.Between(tt.from, got))
		})
	}
	_, ok := off.Add(m(11, 10, 9, 0), 200*365*24*h)
	assert.False(t, ok, "a target beyond the calendar's years is never reached")
}

// TestHandoffInWorkingTime folds hand-offs and reads their clocks with
// the office calendar.
func TestHandoffInWorkingTime(t *testing.T) {
	off := compile(t, office())
	m := func(month time.Month, day, hour, min int) time.Time { return local(madrid, month, day, hour, min) }
	h := time.Hour
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 16 * 3600, RespondWithinS: 4 * 3600, Calendar: "madrid"}
	fold := func(events ...domain.Event) domain.Handoff {
		var st domain.Handoff
		for _, e := range events {
			st = domain.EvolveHandoff(st, e)
		}
		return st
	}
	req := func(at time.Time) domain.Event {
		return domain.HandoffRequested{HandoffID: "h1", Supplier: "legal", Customer: "sales", Kind: "k", Title: "t", Agreement: terms, At: at}
	}

	t.Run("request on a saturday", func(t *testing.T) {
		st := fold(req(m(11, 14, 10, 0)))
		assert.Equal(t, time.Duration(0), st.SupplierOwned(off, m(11, 16, 9, 0)))
		assert.Equal(t, 2*h, st.SupplierOwned(off, m(11, 16, 11, 0)))
		due, ok := st.ResolveDueAt(off)
		require.True(t, ok)
		assert.True(t, m(11, 17, 18, 0).Equal(due), "due %s", due)
		rdue, ok := st.RespondDueAt(off)
		require.True(t, ok)
		assert.True(t, m(11, 16, 13, 0).Equal(rdue), "respond due %s", rdue)
	})
	t.Run("pause across a weekend", func(t *testing.T) {
		st := fold(req(m(11, 13, 10, 0)),
			domain.HandoffAccepted{HandoffID: "h1", At: m(11, 13, 11, 0)},
			domain.HandoffPaused{HandoffID: "h1", At: m(11, 13, 12, 0)},
			domain.HandoffResumed{HandoffID: "h1", At: m(11, 16, 10, 0)})
		assert.Equal(t, 4*h, st.SupplierOwned(off, m(11, 16, 12, 0)))
		el, _ := st.RespondElapsed(off)
		assert.Equal(t, h, el)
		due, ok := st.ResolveDueAt(off)
		require.True(t, ok)
		// 2h on Friday; 14h from Monday 10:00: 7h Monday, 7h Tuesday to 17:00.
		assert.True(t, m(11, 17, 17, 0).Equal(due), "due %s", due)
		_, ok = st.RespondDueAt(off)
		assert.False(t, ok, "answered already")
	})
	t.Run("paused clock has no due date", func(t *testing.T) {
		st := fold(req(m(11, 13, 10, 0)), domain.HandoffPaused{HandoffID: "h1", At: m(11, 13, 12, 0)})
		_, ok := st.ResolveDueAt(off)
		assert.False(t, ok)
	})
	t.Run("delivered across the holiday", func(t *testing.T) {
		st := fold(req(m(11, 6, 14, 0)), domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: m(11, 10, 10, 0)})
		el, ok := st.ResolveElapsed(off)
		require.True(t, ok)
		assert.Equal(t, 2*h, el)
	})
}

func TestValidateCalendarNamesTheField(t *testing.T) {
	tests := []struct {
		field string
		edit  func(s *domain.CalendarSpec)
	}{
		{"name", func(s *domain.CalendarSpec) { s.Name = "" }},
		{"time_zone", func(s *domain.CalendarSpec) { s.TimeZone = "Europe/Atlantis" }},
		{"time_zone", func(s *domain.CalendarSpec) { s.TimeZone = "" }},
		{"time_zone", func(s *domain.CalendarSpec) { s.TimeZone = "Local" }},
		{"week.tue[1]", func(s *domain.CalendarSpec) { s.Week.Tue = []string{"09:00-14:00", "15:00"} }},
		{"week.tue[1]", func(s *domain.CalendarSpec) { s.Week.Tue = []string{"09:00-14:00", "13:00-18:00"} }},
		{"week.mon[0]", func(s *domain.CalendarSpec) { s.Week.Mon = []string{"22:00-06:00"} }},
		{"week.mon[0]", func(s *domain.CalendarSpec) { s.Week.Mon = []string{"09:60-10:00"} }},
		{"week.mon[0]", func(s *domain.CalendarSpec) { s.Week.Mon = []string{"24:00-24:00"} }},
		{"week.sun[0]", func(s *domain.CalendarSpec) { s.Week.Sun = []string{"9:00-10:00"} }},
		{"week", func(s *domain.CalendarSpec) { s.Week = domain.Week{} }},
		{"exceptions[1].date", func(s *domain.CalendarSpec) { s.Exceptions[1].Date = "2026-11-09" }},
		{"exceptions[0].date", func(s *domain.CalendarSpec) { s.Exceptions[0].Date = "2026-02-30" }},
		{"exceptions[0].date", func(s *domain.CalendarSpec) { s.Exceptions[0].Date = "1999-12-31" }},
		{"exceptions[1].hours[0]", func(s *domain.CalendarSpec) { s.Exceptions[1].Hours = []string{"13:00-09:00"} }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			s := office()
			tt.edit(&s)
			_, err := domain.ValidateCalendar(s)
			var ve *domain.ValidationError
			require.True(t, errors.As(err, &ve), "error %v", err)
			assert.Equal(t, tt.field, ve.Field)
			assert.ErrorIs(t, err, domain.ErrInvalid)
		})
	}
	_, err := domain.ValidateCalendar(office())
	assert.NoError(t, err)
	for hours, says := range map[string]string{
		"10:00-10:00": `week.mon[0]: "10:00-10:00" is empty: it must end after it starts`,
		"22:00-06:00": `week.mon[0]: "22:00-06:00" ends before it starts: write work across midnight as 22:00-24:00 and 00:00-06:00 on the next day`,
	} {
		s := office()
		s.Week.Mon = []string{hours}
		_, err = domain.ValidateCalendar(s)
		assert.EqualError(t, err, says)
	}
	s := office()
	s.Week.Fri = []string{"00:00-24:00"}
	_, err = domain.ValidateCalendar(s)
	assert.NoError(t, err, "24:00 is an end")
}

func TestDecideCalendar(t *testing.T) {
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	evs, err := domain.DecideSetCalendar(domain.CalendarState{}, domain.SetCalendar{ID: "madrid", Spec: office()}, now)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	st := domain.EvolveCalendar(domain.CalendarState{}, evs[0])
	assert.Equal(t, uint64(1), st.Version)
	assert.Equal(t, "madrid", st.ID)

	again, err := domain.DecideSetCalendar(st, domain.SetCalendar{ID: "madrid", Spec: office()}, now)
	require.NoError(t, err)
	assert.Empty(t, again, "the same definition appends nothing")

	reordered := office()
	reordered.Exceptions[0], reordered.Exceptions[1] = reordered.Exceptions[1], reordered.Exceptions[0]
	again, err = domain.DecideSetCalendar(st, domain.SetCalendar{ID: "madrid", Spec: reordered}, now)
	require.NoError(t, err)
	assert.Empty(t, again, "exceptions are compared sorted by date")

	_, err = domain.DecideSetCalendar(domain.CalendarState{}, domain.SetCalendar{ID: "Madrid!", Spec: office()}, now)
	assert.ErrorIs(t, err, domain.ErrInvalid)

	hol := []domain.CalendarException{{Date: "2026-11-09", Name: "dup"}, {Date: "2027-01-06", Name: "Reyes"}, {Date: "2027-01-06", Name: "twice"}}
	evs, err = domain.DecideAddHolidays(st, domain.AddHolidays{ID: "madrid", Holidays: hol}, now)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	set := evs[0].(domain.CalendarSet)
	require.Len(t, set.Exceptions, 3)
	assert.Equal(t, domain.CalendarException{Date: "2027-01-06", Name: "Reyes"}, set.Exceptions[2])
	assert.Equal(t, "Almudena", set.Exceptions[0].Name, "an existing exception stays")

	none, err := domain.DecideAddHolidays(st, domain.AddHolidays{ID: "madrid", Holidays: hol[:1]}, now)
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = domain.DecideAddHolidays(domain.CalendarState{}, domain.AddHolidays{ID: "x", Holidays: hol}, now)
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func TestAgreementNamesAnExistingCalendar(t *testing.T) {
	now := t0.Add(time.Hour)
	cmd := domain.SetAgreement{Supplier: "it", Customer: "finance", ResolveWithin: time.Hour, Calendar: "madrid"}
	_, err := domain.DecideSetAgreement(domain.Agreements{}, dept("it"), dept("finance"), cmd, now)
	var ve *domain.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "calendar", ve.Field)

	cmd.CalendarVersion = 3
	evs, err := domain.DecideSetAgreement(domain.Agreements{}, dept("it"), dept("finance"), cmd, now)
	require.NoError(t, err)
	ag := domain.EvolveAgreements(domain.Agreements{}, evs[0])
	terms, ok := ag.InForce("any")
	require.True(t, ok)
	assert.Equal(t, "madrid", terms.Calendar)
}
