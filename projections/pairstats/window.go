package pairstats

import (
	"errors"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// ErrBadWindow is returned (wrapped in a *WindowError) when a window cannot
// be parsed or is not allowed.
var ErrBadWindow = errors.New("bad window")

// MaxWindowDays bounds the length of a window.
const MaxWindowDays = 3660

// DefaultWindowDays is the length of the default window, which ends today.
const DefaultWindowDays = 30

// WindowError names the parameter of a bad window. It wraps ErrBadWindow.
type WindowError struct {
	Field  string // "from" or "to"
	Reason string
}

func (e *WindowError) Error() string { return "bad window: " + e.Field + ": " + e.Reason }

// Unwrap returns ErrBadWindow.
func (e *WindowError) Unwrap() error { return ErrBadWindow }

// Window is the span of whole days [From, To); both are midnight in the
// model's Location. "As of the window's end" means at To.
type Window struct {
	From, To time.Time
}

// Days returns the number of days in w.
func (w Window) Days() int {
	return int(dayIndex(w.To, w.To.Location()) - dayIndex(w.From, w.From.Location()))
}

// ParseWindow parses a window from two dates ("YYYY-MM-DD") in the model's
// Location; to is exclusive. An empty to means tomorrow (the window ends
// with today, as of now); an empty from means DefaultWindowDays before to.
// The error, a *WindowError wrapping ErrBadWindow, names the field: a date
// that does not parse ("from" or "to"), from not before to ("to"), or a
// window longer than MaxWindowDays ("to").
func (m *Model) ParseWindow(from, to string, now time.Time) (Window, error) {
	var d0, d1 int32
	if to == "" {
		d1 = dayIndex(now, m.loc) + 1
	} else {
		d, err := parseDay(to)
		if err != nil {
			return Window{}, &WindowError{Field: "to", Reason: err.Error()}
		}
		d1 = d
	}
	if from == "" {
		d0 = d1 - DefaultWindowDays
	} else {
		d, err := parseDay(from)
		if err != nil {
			return Window{}, &WindowError{Field: "from", Reason: err.Error()}
		}
		d0 = d
	}
	if d0 >= d1 {
		return Window{}, &WindowError{Field: "to", Reason: fmt.Sprintf("must be after from (%s), got %s", formatDay(d0), formatDay(d1))}
	}
	if d1-d0 > MaxWindowDays {
		return Window{}, &WindowError{Field: "to", Reason: fmt.Sprintf("the window spans %d days, more than %d", d1-d0, MaxWindowDays)}
	}
	return Window{From: midnight(d0, m.loc), To: midnight(d1, m.loc)}, nil
}

func parseDay(s string) (int32, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return civilDay(t.Date()), nil
}

func formatDay(d int32) string {
	y, mo, dd := civilFromDays(d)
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, dd)
}

// Days are numbered as civil dates: day 0 is 1970-01-01 in whatever
// location the date was read.

func civilDay(y int, m time.Month, d int) int32 {
	// Howard Hinnant's days_from_civil.
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era = (yy - 399) / 400
	}
	yoe := yy - era*400
	mm := int64(m)
	var doy int64
	if mm > 2 {
		doy = (153*(mm-3)+2)/5 + int64(d) - 1
	} else {
		doy = (153*(mm+9)+2)/5 + int64(d) - 1
	}
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

func civilFromDays(z32 int32) (int, time.Month, int) {
	z := int64(z32) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(d)
}

// dayIndex returns the civil day of t in loc.
func dayIndex(t time.Time, loc *time.Location) int32 {
	if loc == time.UTC {
		s := t.Unix()
		d := s / 86400
		if s < 0 && s%86400 != 0 {
			d--
		}
		return int32(d)
	}
	return civilDay(t.In(loc).Date())
}

// midnight returns the start of day d in loc: its first instant, also
// where the clocks skip or repeat midnight (domain.FirstShown), so
// dayIndex(midnight(d, loc), loc) is d.
func midnight(d int32, loc *time.Location) time.Time {
	if loc == time.UTC {
		return time.Unix(int64(d)*86400, 0).UTC()
	}
	y, m, dd := civilFromDays(d)
	return domain.FirstShown(loc, y, m, dd, 0)
}

// monthOf returns the month of day d, numbered y*12 + m-1.
func monthOf(d int32) int32 {
	y, m, _ := civilFromDays(d)
	return int32(y*12 + int(m) - 1)
}

// monthStart returns the first day of month mo.
func monthStart(mo int32) int32 {
	return civilDay(int(mo/12), time.Month(mo%12+1), 1)
}
