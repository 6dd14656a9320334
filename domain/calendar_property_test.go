package domain_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// TestEventsBeforeCalendarsStillDecode reads the golden JSON of the
// versions that calendars replaced.
func TestEventsBeforeCalendarsStillDecode(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	want := map[string]domain.Event{
		domain.TypeAgreementSetV1: domain.AgreementSet{Supplier: "legal", Customer: "sales", Kind: "contract-review",
			ResolveWithinS: 259200, RespondWithinS: 14400, At: at},
		domain.TypeHandoffRequestedV1: domain.HandoffRequested{HandoffID: "h-1", Supplier: "legal", Customer: "sales",
			Kind: "contract-review", Title: "Review the ACME contract",
			Agreement: &domain.AgreementTerms{Version: 2, Kind: "contract-review", ResolveWithinS: 259200, RespondWithinS: 14400}, At: at},
	}
	for typ, e := range want {
		data, err := os.ReadFile(filepath.Join("testdata", typ+".json"))
		require.NoError(t, err)
		got, err := domain.Decode(typ, data)
		require.NoError(t, err)
		assert.Equal(t, e, got)
		assert.True(t, domain.IsDomainType(typ))
	}
}

var zones = []string{"Europe/Madrid", "America/Mexico_City", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"}

// RandomCalendar returns a valid calendar: a few intervals on some days,
// some holidays and replaced days in 2026 and 2027.
func randomCalendar(r *rand.Rand) domain.CalendarSpec {
	s := domain.CalendarSpec{Name: "random", TimeZone: zones[r.IntN(len(zones))]}
	hours := func() []string {
		var out []string
		m := r.IntN(4) * 30
		for m < 24*60 && len(out) < 3 {
			from := m + r.IntN(5)*30
			to := from + 30 + r.IntN(16)*30
			if to > 24*60 {
				break
			}
			out = append(out, fmt.Sprintf("%02d:%02d-%02d:%02d", from/60, from%60, to/60, to%60))
			m = to + r.IntN(3)*30
		}
		return out
	}
	for i := range 7 {
		if r.IntN(4) > 0 {
			*[]*[]string{&s.Week.Mon, &s.Week.Tue, &s.Week.Wed, &s.Week.Thu, &s.Week.Fri, &s.Week.Sat, &s.Week.Sun}[i] = hours()
		}
	}
	if len(s.Week.Mon) == 0 {
		s.Week.Mon = []string{"09:00-17:00"}
	}
	seen := map[string]bool{}
	for range r.IntN(12) {
		d := time.Date(2026, 1, 1+r.IntN(730), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		if seen[d] {
			continue
		}
		seen[d] = true
		x := domain.CalendarException{Date: d, Name: "x"}
		if r.IntN(3) == 0 {
			x.Hours = hours()
		}
		s.Exceptions = append(s.Exceptions, x)
	}
	return s
}

// reference counts working time day by day, straight from the definition.
func reference(s domain.CalendarSpec, from, to time.Time) time.Duration {
	loc, _ := time.LoadLocation(s.TimeZone)
	byDate := map[string][]string{}
	for _, x := range s.Exceptions {
		byDate[x.Date] = x.Hours
		if x.Hours == nil {
			byDate[x.Date] = []string{}
		}
	}
	week := map[time.Weekday][]string{time.Monday: s.Week.Mon, time.Tuesday: s.Week.Tue, time.Wednesday: s.Week.Wed,
		time.Thursday: s.Week.Thu, time.Friday: s.Week.Fri, time.Saturday: s.Week.Sat, time.Sunday: s.Week.Sun}
	var total time.Duration
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day()-1, 0, 0, 0, 0, loc); day.Before(to); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		hours, ok := byDate[day.Format(time.DateOnly)]
		if !ok {
			hours = week[day.Weekday()]
		}
		for _, h := range hours {
			var h1, m1, h2, m2 int
			fmt.Sscanf(h, "%d:%d-%d:%d", &h1, &m1, &h2, &m2)
			lo := shownAt(day, h1*60+m1, loc)
			hi := shownAt(day, h2*60+m2, loc)
			if lo.Before(from) {
				lo = from
			}
			if hi.After(to) {
				hi = to
			}
			if hi.After(lo) {
				total += hi.Sub(lo)
			}
		}
	}
	return total
}

// shownAt returns the first instant at which the wall clock of loc shows
// minute m of the local day that begins at day, or a later time (the
// instant the clocks jump over it): found minute by minute on a day whose
// offset changes, straight from time.Date otherwise.
func shownAt(day time.Time, m int, loc *time.Location) time.Time {
	want := time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, time.UTC)
	_, o1 := time.Date(day.Year(), day.Month(), day.Day()-1, 0, 0, 0, 0, loc).Zone()
	_, o2 := time.Date(day.Year(), day.Month(), day.Day()+2, 0, 0, 0, 0, loc).Zone()
	if o1 == o2 {
		return time.Date(day.Year(), day.Month(), day.Day(), 0, m, 0, 0, loc)
	}
	for u := want.Add(-15 * time.Hour); ; u = u.Add(time.Minute) {
		w := u.In(loc)
		if !time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, time.UTC).Before(want) {
			return u
		}
	}
}

func TestWorkCalendarProperties(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		spec := randomCalendar(r)
		t.Run(fmt.Sprintf("seed%d-%s", seed, spec.TimeZone), func(t *testing.T) {
			cal := compile(t, spec)
			instant := func() time.Time {
				return start.Add(time.Duration(r.Int64N(int64(730 * 24 * time.Hour))))
			}
			for range 50 {
				a, b, c := instant(), instant(), instant()
				a, b, c = sort3(a, b, c)
				ab, bc, ac := cal.Between(a, b), cal.Between(b, c), cal.Between(a, c)
				assert.LessOrEqual(t, ac, c.Sub(a), "working time exceeds wall time")
				assert.Equal(t, ac, ab+bc, "not additive over a split")
				assert.Equal(t, reference(spec, a, b), ab, "differs from a day-by-day count over [%s, %s)", a, b)

				due, ok := cal.Add(a, ab)
				require.True(t, ok)
				assert.Equal(t, ab, cal.Between(a, due), "Add does not round-trip")
				assert.False(t, due.After(b), "due %s after %s", due, b)
				if ab > 0 {
					assert.Less(t, cal.Between(a, due.Add(-time.Nanosecond)), ab, "Add is not the earliest instant")
				}
			}
			loc := cal.Location()
			for _, x := range spec.Exceptions {
				if len(x.Hours) > 0 {
					continue
				}
				d, err := time.ParseInLocation(time.DateOnly, x.Date, loc)
				require.NoError(t, err)
				next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
				assert.Equal(t, time.Duration(0), cal.Between(d, next), "work on the holiday %s", x.Date)
			}
		})
	}
}

func sort3(a, b, c time.Time) (time.Time, time.Time, time.Time) {
	if b.Before(a) {
		a, b = b, a
	}
	if c.Before(b) {
		b, c = c, b
	}
	if b.Before(a) {
		a, b = b, a
	}
	return a, b, c
}

func BenchmarkWorkCalendarBetweenYear(b *testing.B) {
	cal := compile(b, office())
	from := time.Date(2026, 3, 2, 10, 17, 0, 0, time.UTC)
	to := from.Add(365 * 24 * time.Hour)
	var sink time.Duration
	for i := 0; b.Loop(); i++ {
		sink += cal.Between(from.Add(time.Duration(i%1000)*time.Minute), to)
	}
	_ = sink
}

func BenchmarkWorkCalendarAddYear(b *testing.B) {
	cal := compile(b, office())
	from := time.Date(2026, 3, 2, 10, 17, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		if _, ok := cal.Add(from.Add(time.Duration(i%1000)*time.Minute), 2000*time.Hour); !ok {
			b.Fatal("never due")
		}
	}
}

func BenchmarkCompileCalendar(b *testing.B) {
	for b.Loop() {
		compile(b, office())
	}
}

// TestWorkCalendarAcrossYears checks the counts that span UTC years (each
// year's intervals are built on demand): additivity over every year of
// the span, Add round trips over years, and nothing outside the span.
func TestWorkCalendarAcrossYears(t *testing.T) {
	for seed, zone := range zones {
		r := rand.New(rand.NewPCG(uint64(seed), 29))
		spec := randomCalendar(r)
		spec.TimeZone = zone
		t.Run(zone, func(t *testing.T) {
			cal := compile(t, spec)
			var sum time.Duration
			for y := domain.MinCalendarYear; y <= domain.MaxCalendarYear; y++ {
				sum += cal.Between(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC))
			}
			all := cal.Between(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2110, 1, 1, 0, 0, 0, 0, time.UTC))
			assert.Equal(t, sum, all, "the whole span is the sum of its years")
			assert.Zero(t, cal.Between(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
			_, ok := cal.Add(time.Date(2099, 12, 1, 0, 0, 0, 0, time.UTC), all)
			assert.False(t, ok, "due after the span")

			from := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC)
			for _, years := range []int{0, 1, 3, 30} {
				to := from.AddDate(years, 0, 2)
				w := cal.Between(from, to)
				due, ok := cal.Add(from, w)
				require.True(t, ok)
				assert.Equal(t, w, cal.Between(from, due), "Add round trip over %d years", years)
				assert.False(t, due.After(to))
				if w > 0 {
					assert.Less(t, cal.Between(from, due.Add(-time.Nanosecond)), w, "Add is not the earliest instant")
				}
			}
		})
	}
}

// TestWorkCalendarConcurrentUse counts from several goroutines on a
// calendar whose years are not built yet. Run it with -race.
func TestWorkCalendarConcurrentUse(t *testing.T) {
	cal := compile(t, office())
	from := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	want := compile(t, office()).Between(from, from.AddDate(5, 0, 0))
	got := make(chan time.Duration, 4)
	for range 4 {
		go func() { got <- cal.Between(from, from.AddDate(5, 0, 0)) }()
	}
	for range 4 {
		assert.Equal(t, want, <-got)
	}
}
