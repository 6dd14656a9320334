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
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/cadena-project/cadena/domain"
)

// LineError is returned for a malformed file: Line is the 1-based line at
// fault (0 when the file as a whole is), Event names the VEVENT it is in
// as its author would know it ("the event \"Christmas\"", by SUMMARY, else
// UID, else the line it starts at; empty outside an event), and Msg says
// what is wrong in the file's own terms, never the parser's.
type LineError struct {
	Line  int
	Event string
	Msg   string
}

func (e *LineError) Error() string {
	msg := e.Msg
	if e.Event != "" {
		msg = "in " + e.Event + ": " + msg
	}
	switch {
	case e.Line == 0:
		return msg
	case e.Event == "":
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return fmt.Sprintf("line %d, %s", e.Line, msg)
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
	body := bytes.TrimSpace(data)
	if len(body) == 0 {
		return nil, &LineError{Msg: "the file is empty: want an iCalendar file (BEGIN:VCALENDAR ... END:VCALENDAR)"}
	}
	lines := newLocator(data)
	if first := firstLine(body); !strings.EqualFold(first, "BEGIN:VCALENDAR") {
		return nil, &LineError{Line: lineAt(data, len(data)-len(bytes.TrimLeft(data, " \t\r\n"))+1),
			Msg: fmt.Sprintf("an iCalendar file starts with BEGIN:VCALENDAR, this one with %s", quote(first))}
	}
	cal, err := ics.ParseCalendar(br)
	if err != nil {
		// The parser's message names its own internals: say instead which
		// line of the file it could not read, and in which event.
		consumed := len(data) - src.Len() - br.Buffered()
		n := lineAt(data, consumed)
		msg := fmt.Sprintf("%s is not an iCalendar line (NAME:VALUE, or NAME;PARAMETER=VALUE:VALUE)", quote(lines.text(n)))
		if m, ok := lines.unclosed(n); ok {
			msg = m
		}
		return nil, &LineError{Line: n, Event: lines.around(n), Msg: msg}
	}
	// The parser takes a file cut short for a whole one.
	if !bytes.HasSuffix(bytes.ToUpper(body), []byte("END:VCALENDAR")) {
		return nil, &LineError{Line: lineAt(data, len(body)), Msg: "the file ends before END:VCALENDAR"}
	}
	y := now.UTC().Year()
	from := time.Date(y-Horizon, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(y+Horizon+1, 1, 1, 0, 0, 0, 0, time.UTC)
	byDate := map[string]domain.CalendarException{}
	for k, ev := range cal.Events() {
		fault := func(prop string, err error) *LineError {
			line := lines.event(k)
			if prop != "" {
				line = lines.prop(k, prop)
			}
			return &LineError{Line: line, Event: lines.name(k), Msg: err.Error()}
		}
		start := ev.GetProperty(ics.ComponentPropertyDtStart)
		if start == nil {
			return nil, fault("", fmt.Errorf("the event has no DTSTART (its date)"))
		}
		day, allDay, err := date(start)
		if err != nil {
			return nil, fault("DTSTART", err)
		}
		if !allDay {
			continue
		}
		days := 1
		if end := ev.GetProperty(ics.ComponentPropertyDtEnd); end != nil {
			last, _, err := date(end)
			if err != nil || !last.After(day) || last.Sub(day) > maxDays*24*time.Hour {
				return nil, fault("DTEND", fmt.Errorf("DTEND %s is not a date after DTSTART within %d days", quote(end.Value), maxDays))
			}
			days = int(last.Sub(day) / (24 * time.Hour))
		}
		name := ""
		if s := ev.GetProperty(ics.ComponentPropertySummary); s != nil {
			name = unescape(s.Value)
		}
		// A name the calendar would refuse is the file's fault: say on
		// which line, rather than a 422 on holidays[i].name.
		var bad *domain.ValidationError
		if errors.As(domain.CheckFreeText("SUMMARY", name), &bad) {
			return nil, fault("SUMMARY", fmt.Errorf("SUMMARY %s: %s", quote(name), bad.Msg))
		}
		if n := []rune(name); len(n) > domain.MaxNameLen {
			name = string(n[:domain.MaxNameLen])
		}
		starts := []time.Time{day}
		if rule := ev.GetProperty(ics.ComponentPropertyRrule); rule != nil {
			starts, err = expand(day, rule.Value, from, to)
			if err != nil {
				return nil, fault("RRULE", err)
			}
			for _, ex := range ev.GetProperties(ics.ComponentPropertyExdate) {
				for _, v := range strings.Split(ex.Value, ",") {
					d, _, err := date(&ics.IANAProperty{BaseProperty: ics.BaseProperty{Value: v}})
					if err != nil {
						return nil, fault("EXDATE", err)
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
			return time.Time{}, false, fmt.Errorf("%s is not an iCalendar date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)", quote(v))
		}
		return time.Time{}, false, nil
	}
	d, err := time.Parse("20060102", v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s is not an iCalendar date (YYYYMMDD)", quote(v))
	}
	return d, true, nil
}

// expand returns the dates of a yearly rule starting at day within [from, to).
func expand(day time.Time, rule string, from, to time.Time) ([]time.Time, error) {
	// The rule library's messages are its own: say what the file holds.
	unreadable := fmt.Errorf("RRULE %s is not a recurrence rule that can be read (RFC 5545, such as FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25)", quote(rule))
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return nil, unreadable
	}
	if opt.Freq != rrule.YEARLY {
		return nil, fmt.Errorf("RRULE %s repeats other than yearly: only yearly rules (FREQ=YEARLY) make holidays", quote(rule))
	}
	opt.Dtstart = day
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, unreadable
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

// event returns the line of the k-th BEGIN:VEVENT (from 0), read as the
// parser reads it (see component), or 0.
func (l locator) event(k int) int {
	n := -1
	for i, line := range l.lines {
		if name, value := component(line); name == "BEGIN" && value == "VEVENT" {
			if n++; n == k {
				return i + 1
			}
		}
	}
	return 0
}

// component reads a line as the parser reads a BEGIN or END line: a line
// that starts with a space or tab continues the one before it; otherwise
// the name is the first run of letters, digits and '-' (the parser skips
// what comes before it, so "!BEGIN:VEVENT" begins an event), followed by
// ':' or by parameters, and the value is what follows the next ':'. Both
// come back in upper case; a line the parser takes for no property gives
// "", "".
func component(line string) (name, value string) {
	line = strings.TrimRight(line, "\r")
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return "", ""
	}
	i := strings.IndexFunc(line, isNameRune)
	if i < 0 {
		return "", ""
	}
	line = line[i:]
	j := strings.IndexFunc(line, func(r rune) bool { return !isNameRune(r) })
	if j < 0 || (line[j] != ':' && line[j] != ';') {
		return "", ""
	}
	_, v, _ := strings.Cut(line[j:], ":")
	return strings.ToUpper(line[:j]), strings.ToUpper(strings.TrimSpace(v))
}

// isNameRune reports whether r may be in a property name (RFC 5545's
// iana-token and x-name: letters, digits and '-').
func isNameRune(r rune) bool {
	return r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
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

// unclosed reports what is wrong when line n is an END: that does not close
// the component open there (an END:VEVENT left out, so END:VCALENDAR
// comes while the event is still open): the parser only says it could not
// read that line, which is a well-formed one.
func (l locator) unclosed(n int) (string, bool) {
	end, ok := strings.CutPrefix(strings.ToUpper(l.text(n)), "END:")
	if !ok {
		return "", false
	}
	type open struct {
		name string
		line int
	}
	var stack []open
	for i := 0; i < n-1 && i < len(l.lines); i++ {
		line := strings.ToUpper(strings.TrimSpace(l.lines[i]))
		if name, ok := strings.CutPrefix(line, "BEGIN:"); ok {
			stack = append(stack, open{name, i + 1})
		} else if name, ok := strings.CutPrefix(line, "END:"); ok && len(stack) > 0 && stack[len(stack)-1].name == name {
			stack = stack[:len(stack)-1]
		}
	}
	end = strings.TrimSpace(end)
	if len(stack) == 0 {
		return fmt.Sprintf("END:%s closes nothing: no BEGIN:%s is open", end, end), true
	}
	if top := stack[len(stack)-1]; top.name != end {
		return fmt.Sprintf("END:%s comes while the %s begun at line %d is still open: END:%s is missing", end, top.name, top.line, top.name), true
	}
	return "", false
}

// quote quotes a value of the file for a message, cut to 60 characters.
func quote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// firstLine returns the first line of b, without its line break.
func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(bytes.TrimPrefix(b, []byte("\ufeff")), []byte("\n"))
	return strings.TrimSpace(string(line))
}

// text returns line n (from 1) without its line break, or "".
func (l locator) text(n int) string {
	if n < 1 || n > len(l.lines) {
		return ""
	}
	return strings.TrimRight(l.lines[n-1], "\r")
}

// name names the k-th VEVENT (from 0) as its author would know it.
func (l locator) name(k int) string {
	return l.describe(l.event(k))
}

// around names the VEVENT that line n is in, or "" outside one.
func (l locator) around(n int) string {
	for i := min(n, len(l.lines)) - 1; i >= 0; i-- {
		line := strings.ToUpper(strings.TrimSpace(l.lines[i]))
		switch {
		case line == "BEGIN:VEVENT":
			return l.describe(i + 1)
		case line == "END:VEVENT" && i+1 != n:
			return ""
		}
	}
	return ""
}

// describe names the VEVENT that begins at line begin: by its SUMMARY,
// else its UID, else that line.
func (l locator) describe(begin int) string {
	if begin == 0 {
		return ""
	}
	var uid string
	for i := begin; i < len(l.lines); i++ {
		line := strings.TrimRight(l.lines[i], "\r")
		upper := strings.ToUpper(line)
		if strings.HasPrefix(upper, "END:VEVENT") || strings.HasPrefix(upper, "BEGIN:") {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(strings.ToUpper(name), ";")
		switch name {
		case "SUMMARY":
			if v := strings.TrimSpace(unescape(value)); v != "" {
				return "the event " + quote(v)
			}
		case "UID":
			if uid == "" {
				uid = strings.TrimSpace(value)
			}
		}
	}
	if uid != "" {
		return "the event with UID " + quote(uid)
	}
	return fmt.Sprintf("the event that begins at line %d", begin)
}
