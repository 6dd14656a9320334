package rest_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// The OpenAPI validator reads iCalendar uploads as text.
func init() { openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder) }

// calendarHarness waits longer for the projections: each compiles a new
// calendar definition, which takes milliseconds (more under -race).
func calendarHarness(t *testing.T) *harness {
	return newHarness(t, func(c *rest.Config) { c.MinPositionWait = 10 * time.Second })
}

func madridBody() map[string]any {
	day := []string{"09:00-14:00", "15:00-18:00"}
	return map[string]any{"name": "Madrid office", "time_zone": "Europe/Madrid",
		"week": map[string]any{"mon": day, "tue": day, "wed": day, "thu": day, "fri": []string{"08:00-15:00"}},
		"exceptions": []map[string]any{
			{"date": "2026-12-24", "hours": []string{"09:00-13:00"}, "name": "Nochebuena"},
			{"date": "2026-11-09", "name": "Almudena"}}}
}

func TestPutCalendar(t *testing.T) {
	h := calendarHarness(t)
	put := func(body any, token string, want int) map[string]any {
		return h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: token, body: body}, want)
	}
	got := put(madridBody(), tokAdmin, 201)
	assert.Equal(t, 1.0, got["version"])
	assert.Equal(t, "Europe/Madrid", got["time_zone"])
	ex, _ := got["exceptions"].([]any)
	require.Len(t, ex, 2)
	assert.Equal(t, "2026-11-09", ex[0].(map[string]any)["date"], "exceptions sorted by date")

	head := h.head()
	again := put(madridBody(), tokAdmin, 200)
	assert.Equal(t, 1.0, again["version"])
	assert.Equal(t, head, h.head(), "the same body appends nothing")

	changed := madridBody()
	changed["name"] = "Madrid HQ"
	assert.Equal(t, 2.0, put(changed, tokAdmin, 200)["version"])

	one := h.json(req{method: "GET", path: "/api/v1/calendars/madrid", token: tokSales}, 200)
	assert.Equal(t, "Madrid HQ", one["name"])
	list := h.json(req{method: "GET", path: "/api/v1/calendars?min_position=" + itoa(h.head()), token: tokIT}, 200)
	cals, _ := list["calendars"].([]any)
	require.Len(t, cals, 1)
	assert.Equal(t, 2.0, cals[0].(map[string]any)["version"])
	h.json(req{method: "GET", path: "/api/v1/calendars/nowhere", token: tokSales}, 404)
	put(madridBody(), tokITHead, 403)
}

func TestPutCalendarNamesTheField(t *testing.T) {
	h := calendarHarness(t)
	edit := func(f func(b map[string]any)) map[string]any {
		b := madridBody()
		f(b)
		return b
	}
	week := func(b map[string]any) map[string]any { return b["week"].(map[string]any) }
	tests := []struct {
		field string
		body  map[string]any
	}{
		{"time_zone", edit(func(b map[string]any) { b["time_zone"] = "Mars/Olympus" })},
		{"week.tue[1]", edit(func(b map[string]any) { week(b)["tue"] = []string{"09:00-14:00", "13:00-15:00"} })},
		{"week.wed[0]", edit(func(b map[string]any) { week(b)["wed"] = []string{"9-5"} })},
		{"week", edit(func(b map[string]any) { b["week"] = map[string]any{} })},
		{"exceptions[1].date", edit(func(b map[string]any) {
			b["exceptions"] = []map[string]any{{"date": "2026-11-09"}, {"date": "2026-11-09"}}
		})},
		{"name", edit(func(b map[string]any) { delete(b, "name") })},
	}
	head := h.head()
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			p := h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin, body: tt.body}, 422)
			assert.Equal(t, tt.field, p["field"])
		})
	}
	p := h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin,
		body: edit(func(b map[string]any) { b["holidays"] = []string{} })}, 400)
	assert.Equal(t, "holidays", p["field"])
	assert.Equal(t, head, h.head(), "rejected requests append nothing")
}

func TestAgreementWithCalendar(t *testing.T) {
	h := calendarHarness(t)
	h.seed()
	p := h.json(req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin,
		body: map[string]any{"resolve_within": "16h", "calendar": "madrid"}}, 422)
	assert.Equal(t, "calendar", p["field"])

	h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin, body: madridBody()}, 201)
	ag := h.json(req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin,
		body: map[string]any{"resolve_within": "16h", "respond_within": "4h", "calendar": "madrid"}}, 200)
	assert.Equal(t, "madrid", ag["calendar"])

	// Friday 13 November 2026, 10:00 in Madrid.
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "c-1",
		"supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop", "occurred_at": "2026-11-13T09:00:00Z"}}, 201)
	v := h.json(req{method: "GET", path: "/api/v1/handoffs/c-1?as_of=2026-11-13T11:00:00Z", token: tokSales}, 200)
	assert.Equal(t, "madrid", v["agreement"].(map[string]any)["calendar"])
	assert.Equal(t, 7200.0, v["supplier_owned_s"])
	// 5h on Friday, 8h on Monday, 3h on Tuesday from 09:00.
	assert.Equal(t, "2026-11-17T11:00:00Z", v["due_at"])
	assert.Equal(t, "2026-11-13T13:00:00Z", v["respond_due_at"])

	late := h.json(req{method: "GET", path: "/api/v1/handoffs/c-1?as_of=2026-11-16T08:00:00Z", token: tokSales}, 200)
	assert.Equal(t, 5*3600.0, late["supplier_owned_s"], "the weekend costs nothing")

	d := h.json(req{method: "POST", path: "/api/v1/handoffs/c-1/deliver", token: tokIT, body: map[string]any{}}, 200)
	assert.Nil(t, d["due_at"], "no due date once delivered")
	assert.Nil(t, d["respond_due_at"], "answered")

	batch := h.json(req{method: "POST", path: "/api/v1/batch", token: tokAdmin, body: map[string]any{"commands": []map[string]any{
		{"command": "agreement", "supplier": "it", "customer": "sales", "resolve_within": "16h", "calendar": "nowhere"}}}}, 200)
	res := batch["results"].([]any)[0].(map[string]any)
	assert.Equal(t, 422.0, res["status"])
	assert.Equal(t, "commands[0].calendar", res["problem"].(map[string]any)["field"])

	list := h.json(req{method: "GET", path: "/api/v1/agreements?min_position=" + itoa(h.head()), token: tokSales}, 200)
	as, _ := list["agreements"].([]any)
	require.Len(t, as, 1)
	assert.Equal(t, "madrid", as[0].(map[string]any)["calendar"])
}

func TestImportHolidays(t *testing.T) {
	h := calendarHarness(t)
	h.json(req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin, body: madridBody()}, 201)
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:reyes\r\nDTSTART;VALUE=DATE:" + itoa(uint64(now.Year())) + "0106\r\nSUMMARY:Reyes\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:almudena\r\nDTSTART;VALUE=DATE:20261109\r\nSUMMARY:Almudena again\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	post := func(body, token string, want int) map[string]any {
		return h.json(req{method: "POST", path: "/api/v1/calendars/madrid/holidays", token: token, body: body,
			header: map[string]string{"Content-Type": "text/calendar; charset=utf-8"}}, want)
	}
	got := post(ics, tokAdmin, 200)
	assert.Equal(t, 6.0, got["added"], "6 January of this year and the five after; 9 November was there")
	assert.Equal(t, 2.0, got["version"])
	assert.Len(t, got["exceptions"], 8)

	head := h.head()
	again := post(ics, tokAdmin, 200)
	assert.Equal(t, 0.0, again["added"])
	assert.Equal(t, head, h.head())

	bad := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:2027-01-06\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	p := post(bad, tokAdmin, 422)
	assert.Equal(t, 5.0, p["line"])
	assert.Equal(t, head, h.head(), "a malformed file adds nothing")

	// A name the calendar would refuse is the file's line, not holidays[i].name.
	bell := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20270106\r\nSUMMARY:Bell\aday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	p = post(bell, tokAdmin, 422)
	assert.Equal(t, 6.0, p["line"])
	assert.Equal(t, "body", p["field"])
	assert.Equal(t, head, h.head(), "a refused name adds nothing")

	// A refusal of the file as a whole has no line and says so in words.
	p = post("", tokAdmin, 422)
	assert.NotContains(t, p, "line")
	assert.Equal(t, "iCalendar file refused: the file is empty: want an iCalendar file (BEGIN:VCALENDAR ... END:VCALENDAR)", p["detail"])
	assert.Equal(t, head, h.head(), "an empty file adds nothing")

	post(ics, tokSales, 403)
	h.json(req{method: "POST", path: "/api/v1/calendars/madrid/holidays", token: tokAdmin, body: ics}, 415)
	h.json(req{method: "POST", path: "/api/v1/calendars/nowhere/holidays", token: tokAdmin, body: ics,
		header: map[string]string{"Content-Type": "text/calendar"}}, 404)
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
