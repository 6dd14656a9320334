package domain

import (
	"math"
	"sort"
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

// WorkCalendar counts the working time of a business-hours calendar. Its
// working intervals are precomputed as instants, with the working seconds
// before each, so Between and Add cost a few array reads whatever the
// distance between the instants. It is immutable and safe for concurrent
// use; build it with CompileCalendar.
type WorkCalendar struct {
	loc *time.Location
	// Working intervals [start[i], end[i]) in seconds after workBase,
	// increasing, disjoint and not adjacent; cum[i] is the working
	// seconds before start[i].
	start, end, cum []uint32
	total           int64 // working nanoseconds in the whole span
	// first[d] is the first interval that ends after the start of the
	// d-th UTC day after workBase.
	first []uint32
}

// CompileCalendar validates spec and precomputes its working intervals
// over the years MinCalendarYear to MaxCalendarYear. It takes a few
// milliseconds; compile a calendar once per version.
func CompileCalendar(spec CalendarSpec) (*WorkCalendar, error) {
	spec, err := ValidateCalendar(spec)
	if err != nil {
		return nil, err
	}
	loc, _ := loadZone(spec.TimeZone)
	var week [7][]span
	for i, d := range weekDays {
		week[d.wd], _ = parseHours("", *spec.Week.day(i))
	}
	except := make(map[int64][]span, len(spec.Exceptions))
	for _, x := range spec.Exceptions {
		d, _ := time.Parse(time.DateOnly, x.Date)
		except[d.Unix()/86400], _ = parseHours("", x.Hours)
	}
	c := &WorkCalendar{loc: loc}
	base, limit := workBase.Unix(), workEnd.Unix()
	add := func(from, to int64) {
		from, to = max(from, base), min(to, limit)
		if n := len(c.end); n > 0 {
			last := int64(c.end[n-1]) + base
			from = max(from, last) // never go back, whatever a zone's folds do
			if from == last && to > from {
				c.end[n-1] = uint32(to - base)
				return
			}
		}
		if to <= from {
			return
		}
		c.start = append(c.start, uint32(from-base))
		c.end = append(c.end, uint32(to-base))
	}
	// Local dates (days since 1970-01-01) from the day before the span to
	// its last day: a zone east or west of UTC reaches into both. Within
	// one zone offset a local day is 24 hours and its instants follow by
	// arithmetic; only the days the offset changes ask the time package.
	first := time.Date(MinCalendarYear-1, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400
	last := time.Date(MaxCalendarYear, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400
	var off, zoneFrom, zoneTo int64
	zoneAt := func(at int64) {
		t := time.Unix(at, 0).In(loc)
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
		spans, ok := except[day]
		if !ok {
			spans = week[(day+4)%7] // 1970-01-01 was a Thursday
		}
		mid := day*86400 - off
		if mid >= zoneFrom && mid+86400 < zoneTo {
			for _, s := range spans {
				add(mid+int64(s.from)*60, mid+int64(s.to)*60)
			}
			continue
		}
		d := time.Unix(day*86400, 0).UTC()
		midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		for _, s := range spans {
			add(c.localAt(midnight, next, s.from), c.localAt(midnight, next, s.to))
		}
		zoneAt(next.Unix())
	}
	c.cum = make([]uint32, len(c.start))
	var sum int64
	for i := range c.start {
		c.cum[i] = uint32(sum)
		sum += int64(c.end[i] - c.start[i])
	}
	c.total = sum * int64(time.Second)
	days := int((limit - base) / 86400)
	c.first = make([]uint32, days+1)
	i := 0
	for d := range c.first {
		at := uint32(d * 86400)
		for i < len(c.end) && c.end[i] <= at {
			i++
		}
		c.first[d] = uint32(i)
	}
	return c, nil
}

// localAt returns the instant of minute m of the local day that starts at
// day and ends at next, on a day when the clocks change.
func (c *WorkCalendar) localAt(day, next time.Time, m int) int64 {
	if m == 24*60 {
		return next.Unix()
	}
	return time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, c.loc).Unix()
}

// Location returns the calendar's time zone.
func (c *WorkCalendar) Location() *time.Location { return c.loc }

// worked returns the working nanoseconds from the start of the span to t.
func (c *WorkCalendar) worked(t time.Time) int64 {
	if !t.After(workBase) {
		return 0
	}
	if !t.Before(workEnd) {
		return c.total
	}
	off := t.Sub(workBase).Nanoseconds() // under 2^63 ns: the span is 100 years
	i := int(c.first[off/dayNs])
	for i < len(c.end) && int64(c.end[i])*int64(time.Second) <= off {
		i++
	}
	if i == len(c.end) {
		return c.total
	}
	w := int64(c.cum[i]) * int64(time.Second)
	if s := int64(c.start[i]) * int64(time.Second); off > s {
		w += off - s
	}
	return w
}

// Between returns the working time in [from, to): the real duration of its
// overlap with the working intervals; 0 when to is not after from.
func (c *WorkCalendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	return time.Duration(c.worked(to) - c.worked(from))
}

// Add returns the earliest instant at which d of working time has passed
// since from: the end of a working interval when the target falls exactly
// on a break. False when the calendar's span ends first.
func (c *WorkCalendar) Add(from time.Time, d time.Duration) (time.Time, bool) {
	if d <= 0 {
		return from, true
	}
	target := c.worked(from) + int64(d)
	if target > c.total {
		return time.Time{}, false
	}
	// The first interval whose end has reached target.
	i := sort.Search(len(c.start), func(i int) bool {
		return int64(c.cum[i]+(c.end[i]-c.start[i]))*int64(time.Second) >= target
	})
	at := int64(c.start[i])*int64(time.Second) + target - int64(c.cum[i])*int64(time.Second)
	return workBase.Add(time.Duration(at)), true
}
