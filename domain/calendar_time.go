package domain

import (
	"math"
	"sort"
	"sync/atomic"
	"time"
)

// DeadlineCalendar is a Calendar that also tells when a span of countable
// time ends.
type DeadlineCalendar interface {
	Calendar
	// Add returns the earliest instant t at or after from such that
	// Between(from, t) >= d (from itself when d <= 0); false when the
	// calendar never counts that much time after from.
	Add(from time.Time, d time.Duration) (time.Time, bool)
}

// Add returns from + d.
func (WallClock) Add(from time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return from, true
	}
	return from.Add(d), true
}

var (
	_ DeadlineCalendar = WallClock{}
	_ DeadlineCalendar = (*WorkCalendar)(nil)
)

// The span of instants a WorkCalendar covers: from MinCalendarYear-01-01
// to (MaxCalendarYear+1)-01-01, UTC.
var (
	workBase = time.Date(MinCalendarYear, 1, 1, 0, 0, 0, 0, time.UTC)
	workEnd  = time.Date(MaxCalendarYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
)

const dayNs = int64(24 * time.Hour)

// calendarYears is the number of years a WorkCalendar covers.
const calendarYears = MaxCalendarYear - MinCalendarYear + 1

// WorkCalendar counts the working time of a business-hours calendar. The
// working intervals of each UTC year are precomputed as instants, with the
// working seconds before each, the first time an instant of that year is
// asked about; so Between and Add cost a few array reads per year they
// span, and compiling costs nothing until then. It is safe for concurrent
// use (a year built twice at once is built the same); build it with
// CompileCalendar.
type WorkCalendar struct {
	loc    *time.Location
	week   [7][]span        // by time.Weekday
	except map[int64][]span // by local date, days since 1970-01-01
	years  [calendarYears]atomic.Pointer[workYear]
}

// workYear holds the working intervals of one UTC year.
type workYear struct {
	// Working intervals [start[i], end[i]) in seconds after the year's
	// start, increasing, disjoint and not adjacent; cum[i] is the working
	// seconds before start[i].
	start, end, cum []uint32
	total           int64 // working nanoseconds in the year
	// first[d] is the first interval that ends after the start of the
	// d-th UTC day of the year.
	first []uint32
}

// CompileCalendar validates spec and prepares it for counting working time
// over the years MinCalendarYear to MaxCalendarYear (each year's intervals
// are built when first needed, in tens of microseconds).
func CompileCalendar(spec CalendarSpec) (*WorkCalendar, error) {
	spec, err := ValidateCalendar(spec)
	if err != nil {
		return nil, err
	}
	loc, _ := loadZone(spec.TimeZone)
	c := &WorkCalendar{loc: loc, except: make(map[int64][]span, len(spec.Exceptions))}
	for i, d := range weekDays {
		c.week[d.wd], _ = parseHours("", *spec.Week.day(i))
	}
	for _, x := range spec.Exceptions {
		d, _ := time.Parse(time.DateOnly, x.Date)
		c.except[d.Unix()/86400], _ = parseHours("", x.Hours)
	}
	return c, nil
}

// year returns the intervals of the i-th year of the span, building them
// the first time.
func (c *WorkCalendar) year(i int) *workYear {
	if y := c.years[i].Load(); y != nil {
		return y
	}
	c.years[i].CompareAndSwap(nil, c.buildYear(i))
	return c.years[i].Load()
}

func (c *WorkCalendar) buildYear(i int) *workYear {
	y := &workYear{}
	base := time.Date(MinCalendarYear+i, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	limit := time.Date(MinCalendarYear+i+1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	add := func(from, to int64) {
		from, to = max(from, base), min(to, limit)
		if n := len(y.end); n > 0 {
			last := int64(y.end[n-1]) + base
			from = max(from, last) // never go back, whatever a zone's folds do
			if from == last && to > from {
				y.end[n-1] = uint32(to - base)
				return
			}
		}
		if to <= from {
			return
		}
		y.start = append(y.start, uint32(from-base))
		y.end = append(y.end, uint32(to-base))
	}
	// Local dates (days since 1970-01-01) from the day before the year to
	// the day after it (a zone east or west of UTC reaches into both), but
	// no date past MaxCalendarYear. Within one zone offset a local day is
	// 24 hours and its instants follow by arithmetic; only the days the
	// offset changes ask the time package.
	first, last := base/86400-1, limit/86400
	if i == calendarYears-1 {
		last--
	}
	var off, zoneFrom, zoneTo int64
	zoneAt := func(at int64) {
		t := time.Unix(at, 0).In(c.loc)
		_, o := t.Zone()
		zs, ze := t.ZoneBounds()
		off, zoneFrom, zoneTo = int64(o), math.MinInt64, math.MaxInt64
		if !zs.IsZero() {
			zoneFrom = zs.Unix()
		}
		if !ze.IsZero() {
			zoneTo = ze.Unix()
		}
	}
	zoneAt(first*86400 - 14*3600)
	for day := first; day <= last; day++ {
		spans, ok := c.except[day]
		if !ok {
			spans = c.week[(day+4)%7] // 1970-01-01 was a Thursday
		}
		mid := day*86400 - off
		if mid >= zoneFrom && mid+86400 < zoneTo {
			for _, s := range spans {
				add(mid+int64(s.from)*60, mid+int64(s.to)*60)
			}
			continue
		}
		d := time.Unix(day*86400, 0).UTC()
		for _, sp := range spans {
			add(c.wallInstant(d, sp.from), c.wallInstant(d, sp.to))
		}
		next := c.wallInstant(d, 24*60)
		zoneAt(next)
	}
	y.cum = make([]uint32, len(y.start))
	var sum int64
	for i := range y.start {
		y.cum[i] = uint32(sum)
		sum += int64(y.end[i] - y.start[i])
	}
	y.total = sum * int64(time.Second)
	days := int((limit - base) / 86400)
	y.first = make([]uint32, days+1)
	k := 0
	for d := range y.first {
		at := uint32(d * 86400)
		for k < len(y.end) && y.end[k] <= at {
			k++
		}
		y.first[d] = uint32(k)
	}
	return y
}

// wallInstant returns the instant of minute m (24*60 is the next
// midnight) of the local date d (given as a UTC midnight): see FirstShown.
func (c *WorkCalendar) wallInstant(d time.Time, m int) int64 {
	return FirstShown(c.loc, d.Year(), d.Month(), d.Day(), m).Unix()
}

// FirstShown returns the first instant at which the wall clock of loc
// shows minute m (it may pass 24*60, as time.Date normalises it) of the
// given date. A time shown twice (the clocks go back) is its first
// occurrence; a time never shown (the clocks go forward over it) is the
// instant of the jump, the first one shown after it. So a local interval
// lasts as long as the wall clock shows a time inside it, and the start of
// a day is the first instant of that date, in either hemisphere (time.Date
// alone resolves such times one way east of UTC and the other way west of
// it).
func FirstShown(loc *time.Location, year int, month time.Month, day, m int) time.Time {
	g := time.Date(year, month, day, 0, m, 0, 0, loc)
	if loc == time.UTC {
		return g
	}
	wall := time.Date(year, month, day, 0, m, 0, 0, time.UTC).Unix() // the wall time read as if UTC
	_, off := g.Zone()
	shown := g.Unix() + int64(off)
	if shown == wall {
		// Shown at g; shown earlier only if the clocks went back (from a
		// larger offset) within the hours before g.
		if _, before := g.Add(-3 * time.Hour).Zone(); before <= off {
			return g
		}
	}
	zs, ze := g.ZoneBounds()
	if shown != wall {
		// Never shown: g lies on one side of the jump.
		if shown < wall && !ze.IsZero() {
			return ze.In(loc)
		}
		if shown > wall && !zs.IsZero() {
			return zs.In(loc)
		}
		return g
	}
	if zs.IsZero() {
		return g
	}
	// Shown in the zone before g's too, and earlier?
	_, prev := zs.Add(-time.Second).Zone()
	if u := wall - int64(prev); u < zs.Unix() && u < g.Unix() {
		return time.Unix(u, 0).In(loc)
	}
	return g
}

// Location returns the calendar's time zone.
func (c *WorkCalendar) Location() *time.Location { return c.loc }

// position returns the year of t (calendarYears past the span) and its
// offset in nanoseconds from the start of that year; instants before the
// span are at its start.
func position(t time.Time) (int, int64) {
	if !t.After(workBase) {
		return 0, 0
	}
	if !t.Before(workEnd) {
		return calendarYears, 0
	}
	i := t.UTC().Year() - MinCalendarYear
	start := time.Date(MinCalendarYear+i, 1, 1, 0, 0, 0, 0, time.UTC)
	return i, t.Sub(start).Nanoseconds()
}

// worked returns the working nanoseconds of y before offset off.
func (y *workYear) worked(off int64) int64 {
	i := int(y.first[off/dayNs])
	for i < len(y.end) && int64(y.end[i])*int64(time.Second) <= off {
		i++
	}
	if i == len(y.end) {
		return y.total
	}
	w := int64(y.cum[i]) * int64(time.Second)
	if s := int64(y.start[i]) * int64(time.Second); off > s {
		w += off - s
	}
	return w
}

// workedIn returns the working nanoseconds of year i before offset off
// (none past the span).
func (c *WorkCalendar) workedIn(i int, off int64) int64 {
	if i == calendarYears {
		return 0
	}
	return c.year(i).worked(off)
}

// Between returns the working time in [from, to): the real duration of its
// overlap with the working intervals; 0 when to is not after from.
func (c *WorkCalendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	i, a := position(from)
	j, b := position(to)
	w := c.workedIn(j, b) - c.workedIn(i, a)
	for ; i < j; i++ {
		w += c.year(i).total
	}
	return time.Duration(w)
}

// Add returns the earliest instant at which d of working time has passed
// since from: the end of a working interval when the target falls exactly
// on a break. False when the calendar's span ends first.
func (c *WorkCalendar) Add(from time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return from, true
	}
	i, off := position(from)
	if i == calendarYears {
		return time.Time{}, false
	}
	target := c.workedIn(i, off) + int64(d)
	for {
		y := c.year(i)
		if target <= y.total {
			// The first interval whose end has reached target.
			k := sort.Search(len(y.start), func(k int) bool {
				return int64(y.cum[k]+(y.end[k]-y.start[k]))*int64(time.Second) >= target
			})
			at := int64(y.start[k])*int64(time.Second) + target - int64(y.cum[k])*int64(time.Second)
			start := time.Date(MinCalendarYear+i, 1, 1, 0, 0, 0, 0, time.UTC)
			return start.Add(time.Duration(at)), true
		}
		target -= y.total
		if i++; i == calendarYears {
			return time.Time{}, false
		}
	}
}
