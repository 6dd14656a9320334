package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // calendars name IANA zones: every build knows them all
)

// TypeCalendarSet is the type name of CalendarSet.
const TypeCalendarSet = "calendar.set.v1"

// CalendarStream returns the stream of a business-hours calendar.
func CalendarStream(id string) string { return "calendar-" + id }

// Week holds a calendar's working hours per day of the week: intervals of
// local wall-clock time "HH:MM-HH:MM" ("24:00" allowed as an end),
// increasing and not overlapping. A day left out has no working time.
type Week struct {
	Mon []string `json:"mon,omitempty"`
	Tue []string `json:"tue,omitempty"`
	Wed []string `json:"wed,omitempty"`
	Thu []string `json:"thu,omitempty"`
	Fri []string `json:"fri,omitempty"`
	Sat []string `json:"sat,omitempty"`
	Sun []string `json:"sun,omitempty"`
}

// weekDays names the days of Week in the order of its fields.
var weekDays = [7]struct {
	name string
	wd   time.Weekday
}{{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday}, {"thu", time.Thursday},
	{"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday}}

func (w *Week) day(i int) *[]string {
	return [7]*[]string{&w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat, &w.Sun}[i]
}

// CalendarException replaces the hours of one date: Hours empty makes the
// date a holiday.
type CalendarException struct {
	Date  string   `json:"date"` // YYYY-MM-DD, local to the calendar's zone
	Name  string   `json:"name,omitempty"`
	Hours []string `json:"hours,omitempty"`
}

// CalendarSpec is a business-hours calendar as written: its name, IANA
// time zone, week and exceptions (kept sorted by date).
type CalendarSpec struct {
	Name       string              `json:"name"`
	TimeZone   string              `json:"time_zone"`
	Week       Week                `json:"week"`
	Exceptions []CalendarException `json:"exceptions,omitempty"`
}

// CalendarSet records the whole definition of a calendar, replacing any
// earlier one.
type CalendarSet struct {
	CalendarID string `json:"calendar_id"`
	CalendarSpec
	At time.Time `json:"occurred_at"`
}

// CalendarState is the state of one calendar's stream. The zero value is a
// calendar that does not exist yet.
type CalendarState struct {
	ID      string
	Spec    CalendarSpec
	Version uint64
	LastAt  time.Time
}

// Exists reports whether the calendar has been set.
func (c CalendarState) Exists() bool { return c.Version > 0 }

// SetCalendar defines a calendar or replaces its definition.
type SetCalendar struct {
	ID   string
	Spec CalendarSpec
	At   time.Time
}

// AddHolidays adds holidays (exceptions without hours) to a calendar;
// dates that already have an exception are left as they are.
type AddHolidays struct {
	ID       string
	Holidays []CalendarException
	At       time.Time
}

// Calendar dates lie in [MinCalendarYear, MaxCalendarYear]; working time
// outside these years counts as none.
const (
	MinCalendarYear = 2000
	MaxCalendarYear = 2099
)

// MaxExceptions bounds the exceptions of one calendar.
const MaxExceptions = 5000

// DecideSetCalendar returns the event that sets a calendar: none when the
// definition is the one in force already.
func DecideSetCalendar(c CalendarState, cmd SetCalendar, now time.Time) ([]Event, error) {
	if err := checkSlug("id", cmd.ID); err != nil {
		return nil, err
	}
	spec, err := ValidateCalendar(cmd.Spec)
	if err != nil {
		return nil, err
	}
	if c.Exists() && sameSpec(c.Spec, spec) {
		return nil, nil
	}
	at, err := occurredAt(cmd.At, c.LastAt, now)
	if err != nil {
		return nil, err
	}
	return []Event{CalendarSet{CalendarID: cmd.ID, CalendarSpec: spec, At: at}}, nil
}

// DecideAddHolidays returns the event that adds holidays to an existing
// calendar: none when every date has an exception already. A holiday's
// field names its index in cmd.Holidays ("holidays[3].date").
func DecideAddHolidays(c CalendarState, cmd AddHolidays, now time.Time) ([]Event, error) {
	if !c.Exists() {
		return nil, notFound("calendar", cmd.ID)
	}
	spec := c.Spec
	spec.Exceptions = slices.Clone(spec.Exceptions)
	have := map[string]bool{}
	for _, x := range spec.Exceptions {
		have[x.Date] = true
	}
	for i, h := range cmd.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		if _, err := parseDate(field+".date", h.Date); err != nil {
			return nil, err
		}
		if err := checkText(field+".name", h.Name, 0, MaxNameLen); err != nil {
			return nil, err
		}
		if have[h.Date] {
			continue
		}
		have[h.Date] = true
		spec.Exceptions = append(spec.Exceptions, CalendarException{Date: h.Date, Name: h.Name})
	}
	if len(spec.Exceptions) == len(c.Spec.Exceptions) {
		return nil, nil
	}
	return DecideSetCalendar(c, SetCalendar{ID: c.ID, Spec: spec, At: cmd.At}, now)
}

// EvolveCalendar folds one event into c.
func EvolveCalendar(c CalendarState, e Event) CalendarState {
	set, ok := e.(CalendarSet)
	if !ok {
		return c
	}
	c.ID, c.Spec, c.LastAt = set.CalendarID, set.CalendarSpec, set.At
	c.Version++
	return c
}

// ValidateCalendar checks a calendar and returns it normalised: exceptions
// sorted by date, empty hours lists nil. The error names the field at
// fault: "name", "time_zone", "week" (no working time at all),
// "week.tue[1]", "exceptions[2].date", "exceptions[2].hours[0]".
func ValidateCalendar(s CalendarSpec) (CalendarSpec, error) {
	if err := checkText("name", s.Name, 1, MaxNameLen); err != nil {
		return s, err
	}
	if _, err := loadZone(s.TimeZone); err != nil {
		return s, err
	}
	out := CalendarSpec{Name: s.Name, TimeZone: s.TimeZone}
	working := false
	for i, d := range weekDays {
		hours := *s.Week.day(i)
		ivs, err := parseHours("week."+d.name, hours)
		if err != nil {
			return s, err
		}
		working = working || len(ivs) > 0
		if len(hours) > 0 {
			*out.Week.day(i) = slices.Clone(hours)
		}
	}
	if !working {
		return s, invalid("week", "the week has no working time: give the hours of at least one day")
	}
	if len(s.Exceptions) > MaxExceptions {
		return s, invalid("exceptions", "at most %d exceptions, got %d", MaxExceptions, len(s.Exceptions))
	}
	seen := map[string]int{}
	for i, x := range s.Exceptions {
		field := fmt.Sprintf("exceptions[%d]", i)
		if _, err := parseDate(field+".date", x.Date); err != nil {
			return s, err
		}
		if j, dup := seen[x.Date]; dup {
			return s, invalid(field+".date", "%s is also the date of exceptions[%d]", x.Date, j)
		}
		seen[x.Date] = i
		if err := checkText(field+".name", x.Name, 0, MaxNameLen); err != nil {
			return s, err
		}
		if _, err := parseHours(field+".hours", x.Hours); err != nil {
			return s, err
		}
		x.Hours = slices.Clip(slices.Clone(x.Hours))
		if len(x.Hours) == 0 {
			x.Hours = nil
		}
		out.Exceptions = append(out.Exceptions, x)
	}
	slices.SortFunc(out.Exceptions, func(a, b CalendarException) int { return cmp.Compare(a.Date, b.Date) })
	return out, nil
}

func sameSpec(a, b CalendarSpec) bool {
	if a.Name != b.Name || a.TimeZone != b.TimeZone || len(a.Exceptions) != len(b.Exceptions) {
		return false
	}
	for i := range weekDays {
		if !slices.Equal(*a.Week.day(i), *b.Week.day(i)) {
			return false
		}
	}
	for i, x := range a.Exceptions {
		y := b.Exceptions[i]
		if x.Date != y.Date || x.Name != y.Name || !slices.Equal(x.Hours, y.Hours) {
			return false
		}
	}
	return true
}

func loadZone(name string) (*time.Location, error) {
	// LoadLocation also accepts "" (UTC) and "Local" (the machine's zone):
	// neither names an IANA zone.
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") {
		return nil, invalid("time_zone", "%q is not an IANA time zone such as \"Europe/Madrid\"", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid("time_zone", "%q is not an IANA time zone such as \"Europe/Madrid\"", name)
	}
	return loc, nil
}

// span is an interval of minutes after a local midnight, [from, to).
type span struct{ from, to int }

// parseHours parses a day's intervals; field is "week.tue" and an error
// names the interval ("week.tue[1]").
func parseHours(field string, hours []string) ([]span, error) {
	out := make([]span, 0, len(hours))
	for i, h := range hours {
		f := fmt.Sprintf("%s[%d]", field, i)
		from, to, ok := strings.Cut(h, "-")
		a, okA := parseClock(from)
		b, okB := parseClock(to)
		if !ok || !okA || !okB || a == 24*60 {
			return nil, invalid(f, "%q is not an interval HH:MM-HH:MM of local time (24:00 allowed as an end)", h)
		}
		if b == a {
			return nil, invalid(f, "%q is empty: it must end after it starts", h)
		}
		if b < a {
			return nil, invalid(f, "%q ends before it starts: write work across midnight as 22:00-24:00 and 00:00-06:00 on the next day", h)
		}
		if n := len(out); n > 0 && a < out[n-1].to {
			return nil, invalid(f, "%q overlaps or precedes %q: intervals are increasing and do not overlap", h, hours[i-1])
		}
		out = append(out, span{a, b})
	}
	return out, nil
}

// parseClock parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	digit := func(c byte) (int, bool) { return int(c - '0'), '0' <= c && c <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return 0, false
	}
	h, m := h1*10+h2, m1*10+m2
	if m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

func parseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, invalid(field, "%q is not a date YYYY-MM-DD", s)
	}
	if d.Year() < MinCalendarYear || d.Year() > MaxCalendarYear {
		return time.Time{}, invalid(field, "%s is outside the years %d to %d", s, MinCalendarYear, MaxCalendarYear)
	}
	return d, nil
}

func checkAgreementCalendar(cmd SetAgreement) error {
	if cmd.Calendar == "" {
		return nil
	}
	if err := checkSlug("calendar", cmd.Calendar); err != nil {
		return err
	}
	if cmd.CalendarVersion == 0 {
		return invalid("calendar", "calendar %q does not exist", cmd.Calendar)
	}
	return nil
}

// Earlier versions of events that calendars changed; Decode still reads
// them (their JSON lacks the calendar).
const (
	TypeAgreementSetV1     = "agreement.set.v1"
	TypeHandoffRequestedV1 = "handoff.requested.v1"
)

// current returns the type name that decodes an event stored under
// eventType: the current version for an earlier one whose JSON it reads.
func current(eventType string) string {
	switch eventType {
	case TypeAgreementSetV1:
		return TypeAgreementSet
	case TypeHandoffRequestedV1:
		return TypeHandoffRequested
	}
	return eventType
}
