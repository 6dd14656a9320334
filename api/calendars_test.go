package api_test

import (
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
	replayed, err := f.svc.AddHolidays(f.ctx, admin, key, hol)
	require.NoError(t, err)
	assert.Equal(t, 0, replayed.Added, "a retry adds nothing more")
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
