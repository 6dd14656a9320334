package rest_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBusinessTimesAreBounded: every business time a request gives lies
// between 1970 and now plus five minutes; the zero time is not "now".
func TestBusinessTimesAreBounded(t *testing.T) {
	tests := []struct {
		name  string
		r     req
		field string
	}{
		{"zero occurred_at is not now", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT,
			body: `{"occurred_at":"0001-01-01T00:00:00Z"}`}, "occurred_at"},
		{"empty occurred_at is not absent", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT,
			body: `{"occurred_at":""}`}, "occurred_at"},
		{"request back-dated to 1700", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: `{"supplier":"it","customer":"sales","kind":"k","title":"t","occurred_at":"1700-01-01T00:00:00Z"}`}, "occurred_at"},
		{"a second before 1970", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
			body: `{"name":"HR","occurred_at":"1969-12-31T23:59:59Z"}`}, "occurred_at"},
		{"agreement in year 1", req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin,
			body: `{"resolve_within":"1h","occurred_at":"0001-01-01T00:00:00Z"}`}, "occurred_at"},
		{"occurred_at far ahead", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT,
			body: `{"occurred_at":"9999-12-31T23:59:59Z"}`}, "occurred_at"},
		{"as_of in year 1", req{method: "GET", path: "/api/v1/handoffs/h?as_of=0001-01-01T00:00:00Z", token: tokAdmin}, "as_of"},
		{"as_of far ahead", req{method: "GET", path: "/api/v1/handoffs/h?as_of=9999-01-01T00:00:00Z", token: tokAdmin}, "as_of"},
		{"window from before 1970", req{method: "GET", path: "/api/v1/pairs?from=1969-12-31&to=1970-01-05", token: tokAdmin}, "from"},
		{"window to far ahead", req{method: "GET", path: "/api/v1/hotspots?from=9998-12-01&to=9999-01-01", token: tokAdmin}, "from"},
		{"window to far ahead of a default from", req{method: "GET", path: "/api/v1/chain?to=9999-01-01", token: tokAdmin}, "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.seed()
			h.request("h")
			before := h.head()
			p := checkProblem(t, h.do(tt.r), 422)
			assert.Equal(t, tt.field, p.Field, p.Detail)
			assert.Equal(t, before, h.head(), "a rejected request appended events")
		})
	}
}

// TestDurationsDoNotSaturate: the earliest request the API takes gives a
// supplier-owned time that is exactly the time since then, far from
// time.Duration's maximum (a request back-dated to 1700 once gave it).
func TestDurationsDoNotSaturate(t *testing.T) {
	h := newHarness(t)
	h.seed()
	got := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: `{"id":"old","supplier":"it","customer":"sales","kind":"k","title":"t","occurred_at":"1970-01-01T00:00:00Z"}`}, 201)
	owned, ok := got["supplier_owned_s"].(float64)
	require.True(t, ok, "supplier_owned_s: %v", got["supplier_owned_s"])
	want := math.Round(now.Sub(time.Unix(0, 0)).Seconds()*1000) / 1000
	assert.InDelta(t, want, owned, 0.001)
	assert.Less(t, owned, time.Duration(math.MaxInt64).Seconds()/2)
}
