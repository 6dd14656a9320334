package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/recognitions"
)

// seeded is a demo organisation in a memory store with its read models.
type seeded struct {
	sum    demo.Summary
	svc    *api.Service
	pairs  *pairstats.Model
	thanks *recognitions.Model
	events []domain.Event
}

func seedDemo(t *testing.T, now time.Time, seed uint64) seeded {
	t.Helper()
	ctx := context.Background()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	svc := api.New(store, api.Options{Now: func() time.Time { return now }})
	sum, err := demo.Seed(ctx, svc, now, seed)
	require.NoError(t, err)
	s := seeded{sum: sum, svc: svc, pairs: pairstats.New(pairstats.Options{}), thanks: recognitions.New()}
	for ev, err := range store.ReadAll(ctx, 0) {
		require.NoError(t, err)
		e, err := domain.Decode(ev.Type, ev.Data)
		require.NoError(t, err)
		env := projections.Envelope{Position: ev.Position, StreamID: ev.StreamID, Version: ev.Version,
			RecordedAt: ev.RecordedAt, Event: e, Metadata: ev.Metadata}
		s.pairs.Apply(env)
		s.thanks.Apply(env)
		s.events = append(s.events, e)
	}
	return s
}

// TestSeedUsesCalendarsAndRecognitions checks the demo shows what cadena
// does beyond the figures: business-hours calendars named by every
// agreement, deadlines in working time, recognitions, a pair that
// improved (a bright spot), and still the two friction hotspots; for
// several seeds and dates, since the demo runs at any time.
func TestSeedUsesCalendarsAndRecognitions(t *testing.T) {
	for _, c := range []struct {
		now  time.Time
		seed uint64
	}{
		{time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC), 7},
		{time.Date(2026, 4, 7, 9, 0, 0, 0, time.UTC), 1},
	} {
		t.Run(c.now.Format(time.DateOnly), func(t *testing.T) {
			ctx := context.Background()
			s := seedDemo(t, c.now, c.seed)
			admin := api.Actor{Name: "test", Role: api.RoleAdmin}

			// Calendars: a Madrid office with a split day and its holidays,
			// a Mexico City office, a 24x7 operations calendar.
			assert.Equal(t, 3, s.sum.Calendars)
			madrid, err := s.svc.Calendar(ctx, "madrid")
			require.NoError(t, err)
			assert.Equal(t, "Europe/Madrid", madrid.Spec.TimeZone)
			assert.Len(t, madrid.Spec.Week.Mon, 2, "a split day")
			assert.Empty(t, madrid.Spec.Week.Sat)
			holidays := map[string]string{}
			for _, x := range madrid.Spec.Exceptions {
				if len(x.Hours) == 0 {
					holidays[x.Date] = x.Name
				}
			}
			y := c.now.Year()
			assert.Equal(t, "Fiesta Nacional de España", holidays[time.Date(y, 10, 12, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)])
			assert.Equal(t, "Viernes Santo", holidays["2026-04-03"], "Easter 2026 is on 5 April")
			mexico, err := s.svc.Calendar(ctx, "mexico-city")
			require.NoError(t, err)
			assert.Equal(t, "America/Mexico_City", mexico.Spec.TimeZone)
			ops, err := s.svc.Calendar(ctx, "operations-24x7")
			require.NoError(t, err)
			assert.Equal(t, []string{"00:00-24:00"}, ops.Spec.Week.Sun)

			// Every agreement names one, and every hand-off records it.
			known := map[string]bool{"madrid": true, "mexico-city": true, "operations-24x7": true}
			var agreements int
			var open []domain.HandoffRequested
			closed := map[string]bool{}
			for _, e := range s.events {
				switch e := e.(type) {
				case domain.AgreementSet:
					agreements++
					assert.True(t, known[e.Calendar], "agreement %s -> %s names calendar %q", e.Supplier, e.Customer, e.Calendar)
				case domain.HandoffRequested:
					require.NotNil(t, e.Agreement, e.HandoffID)
					assert.True(t, known[e.Agreement.Calendar], "hand-off %s counts in calendar %q", e.HandoffID, e.Agreement.Calendar)
					open = append(open, e)
				case domain.HandoffDelivered:
					closed[e.HandoffID] = true
				case domain.HandoffCancelled:
					closed[e.HandoffID] = true
				}
			}
			assert.Equal(t, s.sum.Agreements, agreements)

			// Open hand-offs show a deadline in working time: a Madrid one
			// falls due within the office's hours on a working day.
			var due, madridDue int
			for _, r := range open {
				if closed[r.HandoffID] {
					continue
				}
				v, err := s.svc.Handoff(ctx, admin, r.HandoffID, time.Time{})
				require.NoError(t, err)
				if v.DueAt.IsZero() {
					continue
				}
				due++
				assert.True(t, v.DueAt.After(r.At), "%s is due after its request", r.HandoffID)
				if r.Agreement.Calendar == "madrid" {
					madridDue++
					loc, err := time.LoadLocation("Europe/Madrid")
					require.NoError(t, err)
					local := v.DueAt.In(loc)
					mins := local.Hour()*60 + local.Minute()
					assert.True(t, local.Weekday() != time.Saturday && local.Weekday() != time.Sunday && mins >= 8*60 && mins <= 18*60,
						"%s is due at %s, outside the Madrid office's hours", r.HandoffID, local)
				}
			}
			assert.Positive(t, due, "open hand-offs have a due_at")
			assert.Positive(t, madridDue, "open Madrid hand-offs have a due_at")

			// Recognitions from customers' heads to suppliers that serve well.
			assert.GreaterOrEqual(t, s.sum.Recognitions, 5)
			from, to := c.now.AddDate(0, 0, -demo.Days-1), c.now.Add(time.Hour)
			heads := map[string]string{"finance": "finance-head", "hr": "hr-head", "customer-support": "support-head",
				"it": "it-head", "sales": "sales-head"}
			got := 0
			for _, sup := range []string{"it", "facilities", "logistics", "security", "finance"} {
				for _, r := range s.thanks.ForSupplier(sup, from, to, 500) {
					got++
					assert.Equal(t, sup, r.To)
					assert.Equal(t, heads[r.From], r.Author, "sent by the customer's head")
				}
			}
			assert.Equal(t, s.sum.Recognitions, got)
			assert.NotEmpty(t, s.thanks.ForPair("finance", "sales", from, to, 50), "sales thanks finance for the improvement")

			// Bright spots name the pair that improved; the hotspots are the two.
			w, err := s.pairs.ParseWindow("", "", c.now)
			require.NoError(t, err)
			bright := s.pairs.BrightSpots(w, -1, 10)
			require.NotEmpty(t, bright.Improved)
			assert.Equal(t, [2]string{"finance", "sales"}, [2]string{bright.Improved[0].Supplier, bright.Improved[0].Customer},
				"finance -> sales improved most")
			assert.Greater(t, bright.Improved[0].Drop, 20.0)
			hot := s.pairs.Hotspots(w, -1, 2)
			require.Len(t, hot, 2)
			assert.ElementsMatch(t, [][2]string{{"legal", "sales"}, {"it", "hr"}},
				[][2]string{{hot[0].Supplier, hot[0].Customer}, {hot[1].Supplier, hot[1].Customer}})
		})
	}
}
