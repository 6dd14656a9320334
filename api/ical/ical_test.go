package ical_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/ical"
	"github.com/cadena-project/cadena/domain"
)

var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func feed(events ...string) []byte {
	return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n")
}

func TestHolidays(t *testing.T) {
	data := feed(
		"BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Inmaculada Concepci\\,ón\r\nRRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20281208\r\nEND:VEVENT\r\n",
		"BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261226\r\nSUMMARY:Navidad\r\nEND:VEVENT\r\n",
		"BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261210T090000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n",
	)
	got, err := ical.Holidays(data, now)
	require.NoError(t, err)
	var dates []string
	for _, h := range got {
		dates = append(dates, h.Date)
	}
	// Dec 8 from 2026 to 2031 (the rule starts in 2026; 2028 excluded),
	// and the two days of Christmas.
	assert.Equal(t, []string{"2026-12-08", "2026-12-24", "2026-12-25", "2027-12-08", "2029-12-08", "2030-12-08", "2031-12-08"}, dates)
	assert.Equal(t, domain.CalendarException{Date: "2026-12-08", Name: "Inmaculada Concepci,ón"}, got[0])
}

func TestHolidaysNameTheLineAtFault(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		line int
		says string // the whole message, in the file's terms
	}{
		{"bad date", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:2026-12-08\r\nEND:VEVENT\r\n"), 6,
			`line 6, in the event with UID "1": "2026-12-08" is not an iCalendar date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)`},
		{"weekly rule", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:x\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"), 8,
			`line 8, in the event "x": RRULE "FREQ=WEEKLY" repeats other than yearly: only yearly rules (FREQ=YEARLY) make holidays`},
		{"malformed rule", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"), 7,
			`line 7, in the event with UID "1": RRULE "FREQ=SOMETIMES" is not a recurrence rule that can be read (RFC 5545, such as FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25)`},
		{"rule out of range", feed("BEGIN:VEVENT\r\nSUMMARY:Día 13\r\nDTSTART;VALUE=DATE:20261208\r\nRRULE:FREQ=YEARLY;BYMONTH=13\r\nEND:VEVENT\r\n"), 7,
			`line 7, in the event "Día 13": RRULE "FREQ=YEARLY;BYMONTH=13" is not a recurrence rule that can be read (RFC 5545, such as FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25)`},
		{"malformed parameter", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=\"DATE:20261208\r\nEND:VEVENT\r\n"), 6,
			`line 6, in the event with UID "1": "DTSTART;VALUE=\"DATE:20261208" is not an iCalendar line (NAME:VALUE, or NAME;PARAMETER=VALUE:VALUE)`},
		{"second event unnamed", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nEND:VEVENT\r\n",
			"BEGIN:VEVENT\r\nDTSTART\r\nEND:VEVENT\r\n"), 9,
			`line 9, in the event that begins at line 8: "DTSTART" is not an iCalendar line (NAME:VALUE, or NAME;PARAMETER=VALUE:VALUE)`},
		{"no start", feed("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Fiesta\r\nEND:VEVENT\r\n"), 4,
			`line 4, in the event "Fiesta": the event has no DTSTART (its date)`},
		{"no start, the event begun after a character the parser skips", []byte("BEGIN:VCALENDAR\n\n!BEGIN:VEVENT\n000:0\nEND:VEVENT\nEND:VCALENDAR\n"), 3,
			`line 3, in the event that begins at line 3: the event has no DTSTART (its date)`},
		{"bad exdate", feed("BEGIN:VEVENT\r\nSUMMARY:Navidad\r\nDTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=YEARLY\r\nEXDATE:2027-12-25\r\nEND:VEVENT\r\n"), 8,
			`line 8, in the event "Navidad": "2027-12-25" is not an iCalendar date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)`},
		{"control character in a name", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Bell\aday\r\nEND:VEVENT\r\n"), 7,
			`line 7, in the event "Bell\aday": SUMMARY "Bell\aday": holds the control character U+0007 at byte 4: only tab and newline are allowed`},
		{"name not UTF-8", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Bad\xffname\r\nEND:VEVENT\r\n"), 7,
			`line 7, in the event "Bad\xffname": SUMMARY "Bad\xffname": not valid UTF-8`},
		{"not a calendar", []byte("hello\nworld\n"), 1, `line 1: an iCalendar file starts with BEGIN:VCALENDAR, this one with "hello"`},
		{"empty", []byte(""), 0, "the file is empty: want an iCalendar file (BEGIN:VCALENDAR ... END:VCALENDAR)"},
		{"no end", []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), 2, "line 2: the file ends before END:VCALENDAR"},
		{"event not closed", feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Inmaculada\r\n"), 8,
			`line 8, in the event "Inmaculada": END:VCALENDAR comes while the VEVENT begun at line 4 is still open: END:VEVENT is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ical.Holidays(tt.data, now)
			var le *ical.LineError
			require.True(t, errors.As(err, &le), "error %v", err)
			assert.Equal(t, tt.line, le.Line, "%v", err)
			assert.Equal(t, tt.says, err.Error())
			for _, internal := range []string{"parsing", "component", "property 1", "undefined", "bymonth must", "failed to"} {
				assert.NotContains(t, err.Error(), internal, "the parser's own words")
			}
		})
	}
}
