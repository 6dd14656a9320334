package ical_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/ical"
	"github.com/cadena-project/cadena/domain"
)

// FuzzHolidays: whatever the file, Holidays never panics; a refusal is a
// *LineError naming a line of the file (or none), and what it accepts is
// holidays the calendar takes as they are, one per date, sorted, so an
// upload is either a 422 with its line or holidays a calendar records.
func FuzzHolidays(f *testing.F) {
	f.Add(feed("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Inmaculada\r\nRRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20281208\r\nEND:VEVENT\r\n"))
	f.Add(feed("BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261226\r\nSUMMARY:Navidad\\, y m\\;as\r\nEND:VEVENT\r\n"))
	f.Add(feed("BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261210T090000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n"))
	f.Add(feed("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261208\r\nSUMMARY:Bell\aday\r\nEND:VEVENT\r\n"))
	f.Add(feed("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261208\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29\r\nEND:VEVENT\r\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=\"DATE:1\r\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ical.Holidays(data, now)
		if err != nil {
			var le *ical.LineError
			require.True(t, errors.As(err, &le), "not a LineError: %v", err)
			if len(bytes.TrimSpace(data)) == 0 {
				assert.Zero(t, le.Line, "an empty file has no line at fault")
			} else {
				assert.Positive(t, le.Line, "a refusal names the line at fault: %v", err)
			}
			assert.LessOrEqual(t, le.Line, bytes.Count(data, []byte("\n"))+1, "a line past the end: %v", err)
			return
		}
		for i := 1; i < len(got); i++ {
			require.Less(t, got[i-1].Date, got[i].Date, "dates sorted, one each")
		}
		if len(got) > domain.MaxExceptions {
			return // the calendar refuses so many, naming exceptions
		}
		spec := domain.CalendarSpec{Name: "fuzz", TimeZone: "UTC",
			Week: domain.Week{Mon: []string{"09:00-17:00"}}, Exceptions: got}
		_, err = domain.ValidateCalendar(spec)
		assert.NoError(t, err, "a holiday read from the file that the calendar refuses")
	})
}
