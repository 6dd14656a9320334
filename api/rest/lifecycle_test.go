package rest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	h := newHarness(t)
	h.seed()

	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: map[string]any{"id": "laptop-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop",
			"occurred_at": time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("request: %d %s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/handoffs/laptop-1" {
		t.Errorf("Location = %q", loc)
	}
	if pos := rec.Header().Get("Cadena-Position"); pos != strconv.FormatUint(h.head(), 10) {
		t.Errorf("Cadena-Position = %q, head %d", pos, h.head())
	}

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
		if got["state"] != s.state {
			t.Fatalf("%s: state %v, want %s", s.command, got["state"], s.state)
		}
		if got["position"] != float64(before+1) {
			t.Errorf("%s: position %v, want %d", s.command, got["position"], before+1)
		}
	}

	view := h.json(req{method: "GET", path: "/api/v1/handoffs/laptop-1", token: tokSales}, 200)
	if view["deliveries"] != 2.0 || view["returns"] != 1.0 || view["escalations"] != 1.0 {
		t.Errorf("counts: %v", view)
	}
	if ag, _ := view["agreement"].(map[string]any); ag == nil || ag["resolve_within_s"] != 72*3600.0 || ag["respond_within_s"] != 4*3600.0 {
		t.Errorf("agreement recorded: %v", view["agreement"])
	}
	if r, _ := view["rating"].(map[string]any); r == nil || r["score"] != 4.0 || r["comment"] != "quick second time" {
		t.Errorf("customer sees rating: %v", view["rating"])
	}
	if tl, _ := view["timeline"].([]any); len(tl) != 9 {
		t.Errorf("timeline has %d entries, want 9", len(tl))
	}
	if owned, _ := view["supplier_owned_s"].(float64); owned <= 0 {
		t.Errorf("supplier_owned_s = %v", view["supplier_owned_s"])
	}

	// The supplier sees neither the rating nor its comment.
	rec = h.do(req{method: "GET", path: "/api/v1/handoffs/laptop-1", token: tokIT})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "quick second time") || strings.Contains(rec.Body.String(), `"score"`) {
		t.Errorf("supplier view leaks the rating: %s", rec.Body)
	}

	// As of the request, it was just requested.
	asOf := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	early := h.json(req{method: "GET", path: "/api/v1/handoffs/laptop-1?as_of=" + asOf, token: tokAdmin}, 200)
	if early["state"] != "requested" {
		t.Errorf("as_of the request: state %v", early["state"])
	}
}
