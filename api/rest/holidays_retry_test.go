package rest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An import retried under its Idempotency-Key answers as the first call
// did (what it added, the version it made), appends nothing, and does so
// even after the calendar changed since; the same key for another file is
// a conflict.
func TestImportHolidaysRetried(t *testing.T) {
	h := calendarHarness(t)
	h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin, body: madridBody()}, 201)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:reyes\r\nDTSTART;VALUE=DATE:20270106\r\nSUMMARY:Reyes\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:pilar\r\nDTSTART;VALUE=DATE:20271012\r\nSUMMARY:Pilar\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	post := func(body, key string, want int) map[string]any {
		return h.json(req{method: "POST", path: "/api/v1/calendars/madrid/holidays", token: tokAdmin, body: body,
			header: map[string]string{"Content-Type": "text/calendar", "Idempotency-Key": key}}, want)
	}
	first := post(ics, "import-1", 200)
	assert.Equal(t, 2.0, first["added"])
	assert.Equal(t, 2.0, first["version"])
	head := h.head()

	retry := post(ics, "import-1", 200)
	assert.Equal(t, 2.0, retry["added"], "the retry answers what the first call added")
	assert.Equal(t, first["version"], retry["version"])
	assert.Equal(t, first["exceptions"], retry["exceptions"])
	assert.Equal(t, head, h.head(), "a retry appends nothing")

	other := strings.Replace(ics, "20271012", "20271208", 1)
	assert.Equal(t, 1.0, post(other, "import-2", 200)["added"], "a new key imports anew: 12 October is there")
	again := post(ics, "import-1", 200)
	assert.Equal(t, 2.0, again["added"], "still the first answer after the calendar changed")
	assert.Equal(t, 2.0, again["version"])
	post(other, "import-1", 409)
}

// A malformed file's 422 names the line and the event in the file's own
// terms (its SUMMARY), not the parser's.
func TestImportHolidaysNamesTheEvent(t *testing.T) {
	h := calendarHarness(t)
	h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin, body: madridBody()}, 201)
	bad := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Reyes\r\nDTSTART;VALUE=DATE:2027-01-06\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	p := h.json(req{method: "POST", path: "/api/v1/calendars/madrid/holidays", token: tokAdmin, body: bad,
		header: map[string]string{"Content-Type": "text/calendar"}}, 422)
	assert.Equal(t, 6.0, p["line"])
	assert.Equal(t, "body", p["field"])
	assert.Equal(t, `iCalendar line 6, in the event "Reyes": "2027-01-06" is not an iCalendar date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)`, p["detail"])
}
