package pairstats_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/pairstats"
)

var compiled sync.Map // JSON of a spec -> *domain.WorkCalendar

// workCalendar compiles spec once per test binary.
func workCalendar(tb testing.TB, spec domain.CalendarSpec) *domain.WorkCalendar {
	tb.Helper()
	c, err := compileOnce(spec)
	require.NoError(tb, err)
	return c
}

func compileOnce(spec domain.CalendarSpec) (*domain.WorkCalendar, error) {
	key, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	if c, ok := compiled.Load(string(key)); ok {
		return c.(*domain.WorkCalendar), nil
	}
	c, err := domain.CompileCalendar(spec)
	if err != nil {
		return nil, err
	}
	compiled.Store(string(key), c)
	return c, nil
}

// calendarsOf returns the latest definition of every calendar in envs,
// compiled: the brute force's view of which calendar a clock counts in.
func calendarsOf(envs []projections.Envelope) map[string]domain.Calendar {
	out := map[string]domain.Calendar{}
	for _, env := range envs {
		if e, ok := env.Event.(domain.CalendarSet); ok {
			c, err := compileOnce(e.CalendarSpec)
			if err == nil {
				out[e.CalendarID] = c
			}
		}
	}
	return out
}

var calendarZones = []string{"Europe/Madrid", "America/Mexico_City", "America/New_York", "Asia/Kolkata", "UTC"}

func randomSpec(r *rand.Rand) domain.CalendarSpec {
	s := domain.CalendarSpec{Name: "random", TimeZone: calendarZones[r.IntN(len(calendarZones))]}
	days := []*[]string{&s.Week.Mon, &s.Week.Tue, &s.Week.Wed, &s.Week.Thu, &s.Week.Fri, &s.Week.Sat, &s.Week.Sun}
	for _, d := range days {
		if r.IntN(5) == 0 {
			continue
		}
		from := r.IntN(12)
		to := from + 1 + r.IntN(12)
		*d = []string{fmt.Sprintf("%02d:00-%02d:00", from, to)}
		if to < 22 && r.IntN(2) == 0 {
			*d = append(*d, fmt.Sprintf("%02d:30-24:00", to+1))
		}
	}
	if len(s.Week.Mon) == 0 {
		s.Week.Mon = []string{"00:00-06:00"}
	}
	for range r.IntN(6) {
		d := time.Date(2026, 2, 20+r.IntN(60), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		if !hasException(s, d) {
			s.Exceptions = append(s.Exceptions, domain.CalendarException{Date: d, Name: "holiday"})
		}
	}
	return s
}

func hasException(s domain.CalendarSpec, date string) bool {
	for _, x := range s.Exceptions {
		if x.Date == date {
			return true
		}
	}
	return false
}

// withCalendars puts random calendars at the head of a history and names
// one of them (or none) on the agreement of each hand-off.
func withCalendars(tb testing.TB, r *rand.Rand, envs []projections.Envelope) []projections.Envelope {
	ids := []string{"", "cal-a", "cal-b"}
	out := []projections.Envelope{}
	for i, id := range ids[1:] {
		spec := randomSpec(r)
		workCalendar(tb, spec)
		out = append(out, projections.Envelope{Position: uint64(i + 1), StreamID: domain.CalendarStream(id), Version: 1,
			Event: domain.CalendarSet{CalendarID: id, CalendarSpec: spec, At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	}
	byHandoff := map[string]string{}
	for _, env := range envs {
		if e, ok := env.Event.(domain.HandoffRequested); ok && e.Agreement != nil {
			t := *e.Agreement // shared between hand-offs: copy
			t.Calendar = ids[r.IntN(len(ids))]
			byHandoff[e.HandoffID] = t.Calendar
			e.Agreement = &t
			env.Event = e
		}
		out = append(out, env)
	}
	return out
}

// TestMatchesBruteForceWithCalendars is TestMatchesBruteForce with every
// agreement counting in a random business-hours calendar, or none.
func TestMatchesBruteForceWithCalendars(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	cases := []struct {
		name string
		opts pairstats.Options
	}{
		{"utc", pairstats.Options{Policy: domain.Policy{AnonymityMin: 2}}},
		{"berlin", pairstats.Options{Policy: domain.Policy{Location: berlin, AnonymityMin: 3}}},
	}
	seeds := 8
	if testing.Short() {
		seeds = 2
	}
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	for _, tc := range cases {
		for seed := range seeds {
			t.Run(fmt.Sprintf("%s/seed%d", tc.name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(seed), 13))
				envs := withCalendars(t, r, randomHistory(t, r, start, 15+r.IntN(40)))
				loc := tc.opts.Policy.Location
				if loc == nil {
					loc = time.UTC
				}
				m := pairstats.New(tc.opts)
				cuts := []int{r.IntN(len(envs) + 1), len(envs)}
				slicesSort(cuts)
				applied := 0
				for _, cut := range cuts {
					for ; applied < cut; applied++ {
						m.Apply(envs[applied])
					}
					for range 3 {
						checkModel(t, m, envs[:applied], tc.opts, randomWindow(r, loc, start))
					}
				}
			})
		}
	}
}

// TestCalendarChange: a new definition applies to running clocks and to
// later deliveries from the moment it is recorded; outcomes settled before
// stay as they were, and a rebuild from the log gives the same figures.
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
	b.Other(domain.CalendarSet{CalendarID: "office", CalendarSpec: always, At: at(7, 12)})
	b.Do("later", domain.HandoffCommand{Name: domain.Deliver, At: at(9, 10)}) // always: 66h

	live := pairstats.New(pairstats.Options{})
	for _, env := range b.Envs {
		live.Apply(env)
	}
	week := pairstats.Window{From: at(2, 0), To: at(16, 0)}
	f := live.Pair("it", "legal", week)
	assert.Equal(t, 1, f.SLA.Met, "settled under the office calendar, it stays met")
	assert.Equal(t, 1, f.SLA.Breached, "delivered after the change: counted all day")
	assert.Equal(t, 1, f.SLA.OpenBreached, "the running clock counts all day since the change")

	before := live.Pair("it", "legal", pairstats.Window{From: at(2, 0), To: at(7, 0)})
	assert.Equal(t, 2, before.Open)
	assert.Equal(t, 0, before.SLA.OpenBreached, "as of the midnight before the change: 1h of office time")
	assert.Equal(t, 0, before.SLA.AtRisk)
	after := live.Pair("it", "legal", pairstats.Window{From: at(2, 0), To: at(8, 0)})
	assert.Equal(t, 2, after.SLA.OpenBreached, "as of the midnight after the change: 32h")

	rebuilt := pairstats.New(pairstats.Options{})
	for _, env := range b.Envs {
		rebuilt.Apply(env)
	}
	assert.True(t, reflect.DeepEqual(live.Pairs(week), rebuilt.Pairs(week)))
}

// TestSLAInWorkingHoursAcrossSpringForward works a pair's figures out by
// hand under the Madrid office calendar (Mon-Thu 09:00-14:00 and
// 15:00-18:00, Fri 08:00-15:00) and a 16-working-hour target, with the
// policy's days in Madrid and the clocks going forward on Sunday
// 2026-03-29 (CET, UTC+1, before; CEST, UTC+2, after).
func TestSLAInWorkingHoursAcrossSpringForward(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2026, month, day, hour, 0, 0, 0, madrid)
	}
	day := []string{"09:00-14:00", "15:00-18:00"}
	office := domain.CalendarSpec{Name: "Madrid office", TimeZone: "Europe/Madrid",
		Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: []string{"08:00-15:00"}}}
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 16 * 3600, Calendar: "madrid"}

	b := logtest.New(t)
	b.Other(domain.CalendarSet{CalendarID: "madrid", CalendarSpec: office, At: at(3, 1, 0)})
	// h4, Wed 25 09:00, open: Wed 8h + Thu 8h reach 16h on Thursday at
	// 18:00, so it is breached from Friday on.
	b.Request("h4", "legal", "sales", at(3, 25, 9), terms)
	// h1, Fri 27 14:00 to Tue 31 12:00: Fri 1h + Mon 8h + Tue 3h = 12h, met.
	// Wall clock: 13:00Z to 10:00Z four days later, 93h = 334800 s.
	b.Request("h1", "legal", "sales", at(3, 27, 14), terms)
	b.Do("h1", domain.HandoffCommand{Name: domain.Deliver, At: at(3, 31, 12)})
	// h2, Mon 30 09:00 to Wed 1 April 17:00: 8h + 8h + 7h = 23h, breached.
	// Wall clock: 56h = 201600 s.
	b.Request("h2", "legal", "sales", at(3, 30, 9), terms)
	b.Do("h2", domain.HandoffCommand{Name: domain.Deliver, At: at(4, 1, 17)})
	// h3, Thu 2 April 09:00, open: as of Mon 6 00:00, Thu 8h + Fri 7h =
	// 15h, at least 75% of 16h (12h) and not over it: at risk.
	b.Request("h3", "legal", "sales", at(4, 2, 9), terms)

	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: madrid}})
	for _, e := range b.Envs {
		m.Apply(e)
	}
	w, err := m.ParseWindow("2026-03-23", "2026-04-06", at(4, 6, 12))
	require.NoError(t, err)

	f := m.Pair("legal", "sales", w)
	assert.Equal(t, 4, f.Requested)
	assert.Equal(t, 2, f.Completed)
	assert.Equal(t, 2, f.Open, "h3 and h4")
	assert.Equal(t, [4]int{1, 1, 1, 1}, [4]int{f.SLA.Met, f.SLA.Breached, f.SLA.OpenBreached, f.SLA.AtRisk},
		"met, breached, open_breached, at_risk")
	near(t, "compliance 1/(1+1+1)", f.SLA.Compliance, 1.0/3, 1e-12)
	// Lead times stay wall-clock: mean (334800 + 201600) / 2 = 268200; with
	// two values every quantile is rank floor(q*1) = 0, the lower one.
	assert.Equal(t, 2, f.LeadTime.Count)
	near(t, "lead mean", f.LeadTime.Mean, 268200, 0)
	near(t, "lead p50", f.LeadTime.P50, 201600, 0.01)
	near(t, "lead p99", f.LeadTime.P99, 201600, 0.01)
	// Friction: breach 100*0.35*(2/3) = 23.333...
	assert.InDelta(t, 35.0*2/3, f.Friction.Score, 1e-9)
	assert.Equal(t, "breach", f.Friction.TopDriver)

	s, err := m.PairSeries("legal", "sales", w, pairstats.StepWeek)
	require.NoError(t, err)
	require.Len(t, s, 2)
	// Week of 23 March: h4 and h1 requested, nothing completed; as of Mon
	// 30 00:00 h4 holds 23h (breached) and h1 1h: compliance 0/(0+0+1).
	assert.Equal(t, [2]string{"2026-03-23", "2026-03-30"}, [2]string{s[0].From, s[0].To})
	assert.Equal(t, [5]int{2, 0, 2, 1, 0}, [5]int{s[0].Requested, s[0].Completed, s[0].Open, s[0].SLA.OpenBreached, s[0].SLA.AtRisk},
		"requested, completed, open, open_breached, at_risk")
	near(t, "week 1 compliance", s[0].SLA.Compliance, 0, 0)
	// Week of 30 March: h2 and h3 requested; h1 met, h2 breached; as of
	// Mon 6 April h4 breached, h3 at risk.
	assert.Equal(t, [2]string{"2026-03-30", "2026-04-06"}, [2]string{s[1].From, s[1].To})
	assert.Equal(t, [4]int{1, 1, 1, 1}, [4]int{s[1].SLA.Met, s[1].SLA.Breached, s[1].SLA.OpenBreached, s[1].SLA.AtRisk})
	assert.Equal(t, 2, s[1].Requested)
	near(t, "week 2 compliance", s[1].SLA.Compliance, 1.0/3, 1e-12)
}
