package rest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStrictBodies sends bodies that encoding/json would have taken, with a
// loss or a guess, and checks each is refused with the status and field
// named, appending nothing.
func TestStrictBodies(t *testing.T) {
	tests := []struct {
		name   string
		r      req
		status int
		field  string
	}{
		{"invalid UTF-8 in a title", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: "{\"supplier\":\"it\",\"customer\":\"sales\",\"kind\":\"k\",\"title\":\"caf\xe9\"}"}, 422, "title"},
		{"invalid UTF-8 in a department name", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
			body: "{\"name\":\"\xff\xfe\"}"}, 422, "name"},
		{"escaped lone surrogate in a comment", req{method: "POST", path: "/api/v1/handoffs/d/rating", token: tokSales,
			body: `{"score":4,"comment":"\udc00"}`}, 422, "comment"},
		{"NUL in a title", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: `{"supplier":"it","customer":"sales","kind":"k","title":"a\u0000b"}`}, 422, "title"},
		{"escape sequence in a reason", req{method: "POST", path: "/api/v1/handoffs/d/return", token: tokSales,
			body: `{"reason":"\u001b[2Jgone"}`}, 422, "reason"},
		{"DEL in a note", req{method: "POST", path: "/api/v1/handoffs/h/deliver", token: tokIT,
			body: "{\"note\":\"a\x7fb\"}"}, 422, "note"},
		// The same characters sent raw, unescaped inside the string (which
		// JSON does not allow), are refused the same way, naming the member.
		{"raw NUL in a title", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: "{\"supplier\":\"it\",\"customer\":\"sales\",\"kind\":\"k\",\"title\":\"a\x00b\"}"}, 422, "title"},
		{"raw escape in a reason", req{method: "POST", path: "/api/v1/handoffs/d/return", token: tokSales,
			body: "{\"reason\":\"\x1b[2Jgone\"}"}, 422, "reason"},
		{"raw tab in a department name", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
			body: "{\"name\":\"H\tR\"}"}, 422, "name"},
		{"raw NUL in a batch command", req{method: "POST", path: "/api/v1/batch", token: tokAdmin,
			body: "{\"commands\":[{\"command\":\"department\",\"id\":\"hr\",\"name\":\"H\x00R\"}]}"}, 422, "commands[0].name"},
		{"raw NUL between members", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
			body: "{\"name\":\"HR\"\x00}"}, 400, ""},
		{"duplicate key", req{method: "POST", path: "/api/v1/handoffs/d/rating", token: tokSales,
			body: `{"score":1,"score":5}`}, 400, "score"},
		{"case-variant field name", req{method: "POST", path: "/api/v1/handoffs/d/rating", token: tokSales,
			body: `{"SCORE":4}`}, 400, "SCORE"},
		{"a number for an exception's date", req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin,
			body: `{"name":"Madrid","time_zone":"Europe/Madrid","week":{"mon":["09:00-17:00"]},"exceptions":[{"date":20261224}]}`}, 400, "exceptions[0].date"},
		{"a number for a week's hours", req{method: "PUT", path: "/api/v1/calendars/madrid", token: tokAdmin,
			body: `{"name":"Madrid","time_zone":"Europe/Madrid","week":{"tue":["09:00-14:00",9]}}`}, 400, "week.tue[1]"},
		{"unknown member of a batch command", req{method: "POST", path: "/api/v1/batch", token: tokAdmin,
			body: `{"commands":[{"command":"accept","id":"h"},{"command":"accept","id":"h","color":"red"}]}`}, 400, "commands[1].color"},
		{"null body", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT, body: `null`}, 400, ""},
		{"null body where a member is required", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: ` null `}, 400, ""},
		{"a string body", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT, body: `"accept"`}, 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.seed()
			h.request("h")
			h.request("d")
			h.json(req{method: "POST", path: "/api/v1/handoffs/d/deliver", token: tokIT}, 200)
			before := h.head()
			rec := h.do(tt.r)
			p := checkProblem(t, rec, tt.status)
			assert.Equal(t, tt.field, p.Field, p.Detail)
			assert.Equal(t, before, h.head(), "a rejected request appended events")
		})
	}
}

// TestFreeTextKeepsTabsAndNewlines: the two control characters free text
// may hold go through and come back unchanged.
func TestFreeTextKeepsTabsAndNewlines(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("d")
	h.json(req{method: "POST", path: "/api/v1/handoffs/d/deliver", token: tokIT, body: `{"note":"one\n\ttwo"}`}, 200)
	got := h.json(req{method: "GET", path: "/api/v1/handoffs/d", token: tokAdmin}, 200)
	timeline, ok := got["timeline"].([]any)
	require.True(t, ok, "timeline: %v", got["timeline"])
	require.Len(t, timeline, 2)
	data, ok := timeline[1].(map[string]any)["data"].(map[string]any)
	require.True(t, ok)
	assert.Equal(t, "one\n\ttwo", data["note"])
}
