package rest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLifecycle(t *testing.T) {
	h := newHarness(t)
	h.seed()

	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: map[string]any{"id": "laptop-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop",
			"occurred_at": time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)}})
	require.Equal(t, http.StatusCreated, rec.Code, "request: %s", rec.Body)
	assert.Equal(t, "/api/v1/handoffs/laptop-1", rec.Header().Get("Location"))
	assert.Equal(t, strconv.FormatUint(h.head(), 10), rec.Header().Get("Cadena-Position"), "Cadena-Position: the head")

	steps := []struct {
		token, command string
		body           map[string]any
		state          string
	}{
		{tokIT, "accept", nil, "accepted"},
		{tokIT, "pause", map[string]any{"reason": "waiting for the cost centre"}, "paused"},
		{tokSales, "resume", nil, "accepted"},
		{tokSales, "escalate", map[string]any{"reason": "needed tomorrow"}, "accepted"},
		{tokIT, "deliver", map[string]any{"note": "on your desk"}, "delivered"},
		{tokSales, "return", map[string]any{"reason": "wrong keyboard layout"}, "returned"},
		{tokIT, "deliver", nil, "delivered"},
		{tokSales, "rating", map[string]any{"score": 4, "comment": "quick second time"}, "delivered"},
	}
	for _, s := range steps {
		var body any
		if s.body != nil {
			body = s.body
		}
		before := h.head()
		got := h.json(req{method: "POST", path: "/api/v1/handoffs/laptop-1/" + s.command, token: s.token, body: body}, 200)
		require.Equal(t, s.state, got["state"], "%s: state", s.command)
		assert.Equal(t, float64(before+1), got["position"], "%s: position", s.command)
	}

	view := h.json(req{method: "GET", path: "/api/v1/handoffs/laptop-1", token: tokSales}, 200)
	assert.Equal(t, []any{2.0, 1.0, 1.0}, []any{view["deliveries"], view["returns"], view["escalations"]},
		"counts (deliveries, returns, escalations): %v", view)
	ag, _ := view["agreement"].(map[string]any)
	assert.Equal(t, 72*3600.0, ag["resolve_within_s"], "agreement recorded: %v", view["agreement"])
	assert.Equal(t, 4*3600.0, ag["respond_within_s"], "agreement recorded: %v", view["agreement"])
	r, _ := view["rating"].(map[string]any)
	assert.Equal(t, 4.0, r["score"], "customer sees rating: %v", view["rating"])
	assert.Equal(t, "quick second time", r["comment"], "customer sees rating: %v", view["rating"])
	tl, _ := view["timeline"].([]any)
	assert.Len(t, tl, 9, "timeline")
	owned, _ := view["supplier_owned_s"].(float64)
	assert.Positive(t, owned, "supplier_owned_s = %v", view["supplier_owned_s"])

	// The supplier sees neither the rating nor its comment.
	rec = h.do(req{method: "GET", path: "/api/v1/handoffs/laptop-1", token: tokIT})
	assert.Equal(t, 200, rec.Code, rec.Body.String())
	assert.NotContains(t, rec.Body.String(), "quick second time", "supplier view leaks the rating comment")
	assert.NotContains(t, rec.Body.String(), `"score"`, "supplier view leaks the rating")

	// As of the request, it was just requested.
	asOf := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	early := h.json(req{method: "GET", path: "/api/v1/handoffs/laptop-1?as_of=" + asOf, token: tokAdmin}, 200)
	assert.Equal(t, "requested", early["state"], "as_of the request: state")
}
