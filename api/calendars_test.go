package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

func officeSpec() domain.CalendarSpec {
	day := []string{"09:00-17:00"}
	return domain.CalendarSpec{Name: "office", TimeZone: "UTC", Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
}

func TestCalendarUseCases(t *testing.T) {
	f := setup(t)
	_, err := f.svc.PutCalendar(f.ctx, legalHead, none, domain.SetCalendar{ID: "office", Spec: officeSpec()})
	assert.ErrorIs(t, err, api.ErrForbidden)

	res, err := f.svc.PutCalendar(f.ctx, admin, none, domain.SetCalendar{ID: "office", Spec: officeSpec()})
	require.NoError(t, err)
	assert.True(t, res.Created)
	head := f.head(t)
	again, err := f.svc.PutCalendar(f.ctx, admin, none, domain.SetCalendar{ID: "office", Spec: officeSpec()})
	require.NoError(t, err)
	assert.False(t, again.Created)
	assert.Equal(t, head, f.head(t), "the same definition appends nothing")

	key := api.Meta{IdempotencyKey: "holidays-1"}
	hol := domain.AddHolidays{ID: "office", Holidays: []domain.CalendarException{{Date: "2026-06-01", Name: "Whit Monday"}}}
	added, err := f.svc.AddHolidays(f.ctx, admin, key, hol)
	require.NoError(t, err)
	assert.Equal(t, 1, added.Added)
	head = f.head(t)
	replayed, err := f.svc.AddHolidays(f.ctx, admin, key, hol)
	require.NoError(t, err)
	assert.Equal(t, 1, replayed.Added, "a retry answers as the first call did")
	assert.Equal(t, head, f.head(t), "and adds nothing more")
	assert.Equal(t, uint64(2), replayed.Calendar.Version)

	_, err = f.svc.SetAgreement(f.ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales",
		ResolveWithin: 8 * time.Hour, Calendar: "nowhere"})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "calendar", ve.Field)
	_, err = f.svc.SetAgreement(f.ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales",
		ResolveWithin: 8 * time.Hour, Calendar: "office"})
	require.NoError(t, err)

	// Requested on Friday 29 May at 16:00; Monday 1 June is a holiday.
	req, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{ID: "h1", Supplier: "legal",
		Customer: "sales", Kind: "contract-review", Title: "t", At: time.Date(2026, 5, 29, 16, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	_, isWork := req.Clock.(*domain.WorkCalendar)
	assert.True(t, isWork, "the command's result carries the calendar")
	v, err := f.svc.Handoff(f.ctx, salesTeam, "h1", time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, v.SupplierOwned, "1h on Friday, none on the holiday, 1h on Tuesday")
	assert.Equal(t, time.Date(2026, 6, 2, 16, 0, 0, 0, time.UTC), v.DueAt)
	assert.True(t, v.RespondDueAt.IsZero(), "no respond target")

	_, err = f.svc.Calendar(f.ctx, "nowhere")
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

// officeHandoff sets legal -> sales in the office calendar (no holidays)
// and requests h1 on Friday 29 May 2026 at 16:00, due in 8 working hours.
func officeHandoff(t *testing.T, f *fixture) {
	t.Helper()
	_, err := f.svc.PutCalendar(f.ctx, admin, none, domain.SetCalendar{ID: "office", Spec: officeSpec()})
	require.NoError(t, err)
	_, err = f.svc.SetAgreement(f.ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales",
		ResolveWithin: 8 * time.Hour, Calendar: "office"})
	require.NoError(t, err)
	_, err = f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{ID: "h1", Supplier: "legal",
		Customer: "sales", Kind: "contract-review", Title: "t", At: time.Date(2026, 5, 29, 16, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
}

func (f *fixture) dueAt(t *testing.T) time.Time {
	t.Helper()
	v, err := f.svc.Handoff(f.ctx, salesTeam, "h1", time.Time{})
	require.NoError(t, err)
	return v.DueAt
}

func TestDueAtFollowsACalendarChangeAtOnce(t *testing.T) {
	f := setup(t)
	officeHandoff(t, f)
	june := func(d, h int) time.Time { return time.Date(2026, 6, d, h, 0, 0, 0, time.UTC) }
	assert.Equal(t, june(1, 16), f.dueAt(t), "1h on Friday, 7h on Monday")
	assert.Equal(t, june(1, 16), f.dueAt(t), "read again from the compiled calendar held")

	_, err := f.svc.AddHolidays(f.ctx, admin, none, domain.AddHolidays{ID: "office",
		Holidays: []domain.CalendarException{{Date: "2026-06-01", Name: "Whit Monday"}}})
	require.NoError(t, err)
	assert.Equal(t, june(2, 16), f.dueAt(t), "the holiday counts on the next read")
	c, err := f.svc.Calendar(f.ctx, "office")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), c.Version)
	assert.Len(t, c.Spec.Exceptions, 1)

	short := officeSpec()
	day := []string{"09:00-13:00"}
	short.Week = domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}
	_, err = f.svc.PutCalendar(f.ctx, admin, none, domain.SetCalendar{ID: "office", Spec: short})
	require.NoError(t, err)
	assert.Equal(t, june(2, 13), f.dueAt(t), "a new week, and the holiday gone with the old definition")

	// A command's answer carries the new definition too.
	r, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept, At: june(1, 10)})
	require.NoError(t, err)
	due, ok := r.Handoff.ResolveDueAt(r.Clock)
	require.True(t, ok)
	assert.Equal(t, june(2, 13), due.UTC())
}

// TestConcurrentReadsWhileACalendarChanges reads due_at from several
// goroutines while holidays are added one by one: every read shows a
// definition at least as new as the one before it, and the read after the
// last change shows the last one. Run it with -race.
func TestConcurrentReadsWhileACalendarChanges(t *testing.T) {
	f := setup(t)
	officeHandoff(t, f)
	// Holidays on the working days from Monday 1 June: each pushes due_at
	// one working day later.
	var days []string
	for d := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC); len(days) < 8; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d.Format(time.DateOnly))
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last time.Time
			for n := 0; ; n++ {
				v, err := f.svc.Handoff(f.ctx, salesTeam, "h1", time.Time{})
				if err != nil {
					errs <- err
					return
				}
				if v.DueAt.Before(last) {
					errs <- fmt.Errorf("due_at went back from %s to %s", last, v.DueAt)
					return
				}
				last = v.DueAt
				select {
				case <-done:
					if n >= 20 {
						return
					}
				default:
				}
			}
		}()
	}
	for _, d := range days {
		_, err := f.svc.AddHolidays(f.ctx, admin, none, domain.AddHolidays{ID: "office",
			Holidays: []domain.CalendarException{{Date: d, Name: "closed"}}})
		require.NoError(t, err)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	// Eight working days off from 1 June: due on the ninth, Thursday 11 June.
	assert.Equal(t, time.Date(2026, 6, 11, 16, 0, 0, 0, time.UTC), f.dueAt(t))
}
