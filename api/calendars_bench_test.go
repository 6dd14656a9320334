package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// calendarFixture is a service with a hand-off whose agreement counts in
// a calendar of 130 holidays, added in 13 commands as a demo seed does.
func calendarFixture(tb testing.TB) (*api.Service, context.Context) {
	tb.Helper()
	store := memory.New(memory.Options{})
	tb.Cleanup(func() { store.Close() })
	svc := api.New(store, api.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	for _, id := range []string{"sales", "legal"} {
		_, err := svc.PutDepartment(ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
		require.NoError(tb, err)
	}
	_, err := svc.PutCalendar(ctx, admin, none, domain.SetCalendar{ID: "office", Spec: officeSpec()})
	require.NoError(tb, err)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 13 {
		var hol []domain.CalendarException
		for range 10 {
			hol = append(hol, domain.CalendarException{Date: day.Format(time.DateOnly), Name: "holiday"})
			day = day.AddDate(0, 0, 20)
		}
		_, err := svc.AddHolidays(ctx, admin, none, domain.AddHolidays{ID: "office", Holidays: hol})
		require.NoError(tb, err)
	}
	_, err = svc.SetAgreement(ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales",
		ResolveWithin: 8 * time.Hour, Calendar: "office"})
	require.NoError(tb, err)
	_, err = svc.RequestHandoff(ctx, salesTeam, none, domain.RequestHandoff{ID: "h1", Supplier: "legal",
		Customer: "sales", Kind: "contract-review", Title: "t", At: now.Add(-24 * time.Hour)})
	require.NoError(tb, err)
	return svc, ctx
}

// BenchmarkHandoffReadWithCalendar reads a hand-off whose due_at counts
// in a calendar of 130 holidays (14 events in its stream).
func BenchmarkHandoffReadWithCalendar(b *testing.B) {
	svc, ctx := calendarFixture(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v, err := svc.Handoff(ctx, salesTeam, "h1", time.Time{})
		if err != nil || v.DueAt.IsZero() {
			b.Fatal(fmt.Sprint("no due_at: ", err))
		}
	}
}
