package rest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// TestWindowBoundIsTodayInThePolicysZone: "366 days after today" counts
// from today in the organisation's time zone, not in UTC. At 12:00 UTC on
// 2 December it is already 3 December in Kiritimati (UTC+14), so a window
// may end on 4 December of the next year there, and not a day later.
func TestWindowBoundIsTodayInThePolicysZone(t *testing.T) {
	zone, err := time.LoadLocation("Pacific/Kiritimati")
	require.NoError(t, err)
	clock := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	h := newHarness(t, func(c *rest.Config) {
		c.Policy.Location = zone
		c.Now = func() time.Time { return clock }
	})
	h.seed()
	h.json(req{method: "GET", path: "/api/v1/hotspots?to=2027-12-04", token: tokAdmin}, 200)
	p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/hotspots?to=2027-12-05", token: tokAdmin}), 422)
	assert.Equal(t, "to", p.Field, p.Detail)
	assert.Contains(t, p.Detail, "2027-12-04")
}

// TestWindowShape: a window whose to is not after its from, or that spans
// more than 3,660 days, is 400 naming to (README, The figures); the
// longest window is taken. Every window endpoint parses it the same way.
func TestWindowShape(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, path := range []string{"/api/v1/pairs", "/api/v1/hotspots", "/api/v1/chain",
		"/api/v1/brightspots", "/api/v1/departments/it/scorecard", "/api/v1/pairs/it/sales",
		"/api/v1/pairs/it/sales/series?step=month&", "/api/v1/departments/it/series?step=month&"} {
		sep := "?"
		if path[len(path)-1] == '&' {
			sep = ""
		}
		for _, q := range []string{"from=2026-03-02&to=2026-03-02", "from=2026-03-02&to=2026-03-01", "from=2010-01-01&to=2020-01-10"} {
			p := checkProblem(t, h.do(req{method: "GET", path: path + sep + q, token: tokAdmin}), 400)
			assert.Equal(t, "to", p.Field, "%s%s%s: %s", path, sep, q, p.Detail)
		}
	}
	h.json(req{method: "GET", path: "/api/v1/hotspots?from=2010-01-01&to=2020-01-09", token: tokAdmin}, 200)
}

// TestBadStepIsNotABadWindow: a step outside day, week and month is 400
// naming step, and its detail speaks of the step, not of a "bad window".
func TestBadStepIsNotABadWindow(t *testing.T) {
	h := newHarness(t)
	h.seed()
	p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/pairs/it/sales/series?step=year", token: tokAdmin}), 400)
	assert.Equal(t, "step", p.Field)
	assert.Equal(t, `step: must be day, week or month, got "year"`, p.Detail)
}
