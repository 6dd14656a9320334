// Package ical reads public-holiday feeds in iCalendar format (RFC 5545,
// as public-holiday sites and Google or Outlook export them) into holiday
// exceptions of a business-hours calendar.
//
// # Basics
//
// Every all-day VEVENT (DTSTART;VALUE=DATE, or a bare YYYYMMDD date) is a
// holiday named by its SUMMARY; with DTEND every date up to the day before
// it. A yearly RRULE is expanded over the ten years around now (from five
// years before to five years after), EXDATEs excluded. Events with a time
// of day are not holidays and are skipped.
//
// # Caveats
//
// Only FREQ=YEARLY rules are taken: any other is an error, so a weekly
// meeting exported by mistake does not turn every Monday into a holiday.
// Dates outside domain.MinCalendarYear to domain.MaxCalendarYear are
// skipped.
package ical

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/cadena-project/cadena/domain"
)

// LineError is returned for a malformed file: Line is the 1-based line at
// fault (0 when the file as a whole is).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Horizon is how far before and after now yearly rules are expanded.
const Horizon = 5

// maxDays bounds the dates one event may cover.
const maxDays = 366

// Holidays returns the holidays of an iCalendar file, sorted by date, one
// per date (the first event of a date names it).
func Holidays(data []byte, now time.Time) ([]domain.CalendarException, error) {
	// The parser reads through this bufio.Reader (it reuses one given to
	// it), so where it stopped tells the line it failed on.
	src := bytes.NewReader(data)
	br := bufio.NewReaderSize(src, 4096)
	cal, err := ics.ParseCalendar(br)
	if err != nil {
		consumed := len(data) - src.Len() - br.Buffered()
		return nil, &LineError{Line: lineAt(data, consumed), Msg: "not iCalendar: " + err.Error()}
	}
	// The parser takes a file cut short for a whole one.
	body := bytes.TrimSpace(data)
	if len(body) == 0 {
		return nil, &LineError{Msg: "the file is empty: want an iCalendar file (BEGIN:VCALENDAR ... END:VCALENDAR)"}
	}
	if !bytes.HasSuffix(bytes.ToUpper(body), []byte("END:VCALENDAR")) {
		return nil, &LineError{Line: lineAt(data, len(body)), Msg: "the file ends before END:VCALENDAR"}
	}
	lines := newLocator(data)
	y := now.UTC().Year()
	from := time.Date(y-Horizon, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(y+Horizon+1, 1, 1, 0, 0, 0, 0, time.UTC)
	byDate := map[string]domain.CalendarException{}
	for k, ev := range cal.Events() {
		start := ev.GetProperty(ics.ComponentPropertyDtStart)
		if start == nil {
			return nil, &LineError{Line: lines.event(k), Msg: "VEVENT without DTSTART"}
		}
		day, allDay, err := date(start)
		if err != nil {
			return nil, &LineError{Line: lines.prop(k, "DTSTART"), Msg: err.Error()}
		}
		if !allDay {
			continue
		}
		days := 1
		if end := ev.GetProperty(ics.ComponentPropertyDtEnd); end != nil {
			last, _, err := date(end)
			if err != nil || !last.After(day) || last.Sub(day) > maxDays*24*time.Hour {
				return nil, &LineError{Line: lines.prop(k, "DTEND"), Msg: fmt.Sprintf(
					"DTEND %q is not a date after DTSTART within %d days", end.Value, maxDays)}
			}
			days = int(last.Sub(day) / (24 * time.Hour))
		}
		name := ""
		if s := ev.GetProperty(ics.ComponentPropertySummary); s != nil {
			name = unescape(s.Value)
		}
		if n := []rune(name); len(n) > domain.MaxNameLen {
			name = string(n[:domain.MaxNameLen])
		}
		starts := []time.Time{day}
		if rule := ev.GetProperty(ics.ComponentPropertyRrule); rule != nil {
			starts, err = expand(day, rule.Value, from, to)
			if err != nil {
				return nil, &LineError{Line: lines.prop(k, "RRULE"), Msg: err.Error()}
			}
			for _, ex := range ev.GetProperties(ics.ComponentPropertyExdate) {
				for _, v := range strings.Split(ex.Value, ",") {
					d, _, err := date(&ics.IANAProperty{BaseProperty: ics.BaseProperty{Value: v}})
					if err != nil {
						return nil, &LineError{Line: lines.prop(k, "EXDATE"), Msg: err.Error()}
					}
					starts = slices.DeleteFunc(starts, func(t time.Time) bool { return t.Equal(d) })
				}
			}
		}
		for _, s := range starts {
			for i := range days {
				d := s.AddDate(0, 0, i)
				if d.Year() < domain.MinCalendarYear || d.Year() > domain.MaxCalendarYear {
					continue
				}
				key := d.Format(time.DateOnly)
				if _, ok := byDate[key]; !ok {
					byDate[key] = domain.CalendarException{Date: key, Name: name}
				}
			}
		}
	}
	out := make([]domain.CalendarException, 0, len(byDate))
	for _, x := range byDate {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b domain.CalendarException) int { return strings.Compare(a.Date, b.Date) })
	return out, nil
}

// date reads a DATE or DATE-TIME value; allDay is false for a time of day.
func date(p *ics.IANAProperty) (time.Time, bool, error) {
	v := p.Value
	if vt := p.ICalParameters["VALUE"]; len(vt) == 1 && strings.EqualFold(vt[0], "DATE-TIME") || len(v) > 8 {
		if _, err := time.Parse("20060102T150405", strings.TrimSuffix(v, "Z")); err != nil {
			return time.Time{}, false, fmt.Errorf("%q is not an iCalendar date or date-time", v)
		}
		return time.Time{}, false, nil
	}
	d, err := time.Parse("20060102", v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%q is not an iCalendar date (YYYYMMDD)", v)
	}
	return d, true, nil
}

// expand returns the dates of a yearly rule starting at day within [from, to).
func expand(day time.Time, rule string, from, to time.Time) ([]time.Time, error) {
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return nil, fmt.Errorf("RRULE %q: %v", rule, err)
	}
	if opt.Freq != rrule.YEARLY {
		return nil, fmt.Errorf("RRULE %q: only yearly rules (FREQ=YEARLY) make holidays", rule)
	}
	opt.Dtstart = day
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("RRULE %q: %v", rule, err)
	}
	return r.Between(from, to, true), nil
}

func unescape(s string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, " ", `\N`, " ", `\\`, `\`).Replace(s)
}

// lineAt returns the line of the last byte before offset n.
func lineAt(data []byte, n int) int {
	n = min(max(n, 1), len(data))
	return bytes.Count(data[:n-1], []byte("\n")) + 1
}

// locator finds the line of a property of the k-th VEVENT in the raw
// text, for errors found after parsing.
type locator struct {
	lines []string
}

func newLocator(data []byte) locator {
	return locator{lines: strings.Split(string(data), "\n")}
}

// event returns the line of the k-th BEGIN:VEVENT (from 0).
func (l locator) event(k int) int {
	n := -1
	for i, line := range l.lines {
		if strings.EqualFold(strings.TrimSpace(line), "BEGIN:VEVENT") {
			if n++; n == k {
				return i + 1
			}
		}
	}
	return 0
}

// prop returns the line of the first property name in the k-th VEVENT.
func (l locator) prop(k int, name string) int {
	begin := l.event(k)
	if begin == 0 {
		return 0
	}
	for i := begin; i < len(l.lines); i++ {
		line := strings.ToUpper(l.lines[i])
		if strings.HasPrefix(line, "END:VEVENT") {
			break
		}
		if rest, ok := strings.CutPrefix(line, name); ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, ";")) {
			return i + 1
		}
	}
	return begin
}
