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
