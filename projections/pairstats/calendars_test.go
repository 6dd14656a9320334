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
