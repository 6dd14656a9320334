package api_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestRoles tries each route with each kind of caller: admin, the supplier
// (it) and customer (sales) members and heads, and a bystander (legal).
func TestRoles(t *testing.T) {
	// Each setup brings hand-off "h" to the state the request needs.
	requested := func(h *harness) { h.request("h") }
	accepted := func(h *harness) {
		requested(h)
		h.json(req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT}, 200)
	}
	paused := func(h *harness) {
		accepted(h)
		h.json(req{method: "POST", path: "/api/v1/handoffs/h/pause", token: tokIT}, 200)
	}
	delivered := func(h *harness) {
		accepted(h)
		h.json(req{method: "POST", path: "/api/v1/handoffs/h/deliver", token: tokIT}, 200)
	}
	newHandoff := map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "t"}
	tests := []struct {
		setup  func(*harness)
		method string
		path   string
		body   any
		want   map[string]int // token -> status
	}{
		{nil, "PUT", "/api/v1/departments/hr", map[string]any{"name": "HR"},
			map[string]int{tokAdmin: 201, tokSales: 403, tokSalesHead: 403, tokITHead: 403}},
		{nil, "POST", "/api/v1/departments/legal/retire", nil,
			map[string]int{tokAdmin: 200, tokLegal: 403, tokITHead: 403}},
		{nil, "PUT", "/api/v1/agreements/it/sales", map[string]any{"resolve_within": 3600},
			map[string]int{tokAdmin: 200, tokITHead: 200, tokIT: 403, tokSalesHead: 403, tokLegal: 403}},
		{nil, "POST", "/api/v1/handoffs", newHandoff,
			map[string]int{tokAdmin: 201, tokSales: 201, tokIT: 201, tokSalesHead: 201, tokLegal: 403}},
		{requested, "POST", "/api/v1/handoffs/h/accept", nil,
			map[string]int{tokAdmin: 200, tokIT: 200, tokITHead: 200, tokSales: 403, tokLegal: 403}},
		{accepted, "POST", "/api/v1/handoffs/h/pause", map[string]any{"reason": "r"},
			map[string]int{tokAdmin: 200, tokIT: 200, tokSales: 403, tokLegal: 403}},
		{paused, "POST", "/api/v1/handoffs/h/resume", nil,
			map[string]int{tokAdmin: 200, tokIT: 200, tokSales: 200, tokLegal: 403}},
		{accepted, "POST", "/api/v1/handoffs/h/deliver", nil,
			map[string]int{tokAdmin: 200, tokIT: 200, tokSales: 403, tokLegal: 403}},
		{delivered, "POST", "/api/v1/handoffs/h/return", map[string]any{"reason": "r"},
			map[string]int{tokAdmin: 200, tokSales: 200, tokIT: 403, tokLegal: 403}},
		{accepted, "POST", "/api/v1/handoffs/h/escalate", nil,
			map[string]int{tokAdmin: 200, tokSales: 200, tokSalesHead: 200, tokIT: 403, tokLegal: 403}},
		{accepted, "POST", "/api/v1/handoffs/h/cancel", nil,
			map[string]int{tokAdmin: 200, tokSales: 200, tokIT: 403, tokLegal: 403}},
		{delivered, "POST", "/api/v1/handoffs/h/rating", map[string]any{"score": 5},
			map[string]int{tokAdmin: 200, tokSales: 200, tokIT: 403, tokITHead: 403, tokLegal: 403}},
		{requested, "GET", "/api/v1/handoffs/h", nil,
			map[string]int{tokAdmin: 200, tokSales: 200, tokIT: 200, tokITHead: 200, tokLegal: 403}},
		{nil, "GET", "/api/v1/handoffs", nil, map[string]int{tokAdmin: 200, tokSales: 200, tokLegal: 200}},
		{nil, "GET", "/api/v1/departments", nil, map[string]int{tokAdmin: 200, tokSales: 200, tokLegal: 200}},
		{nil, "GET", "/api/v1/departments/sales", nil, map[string]int{tokAdmin: 200, tokIT: 200, tokLegal: 200}},
		{nil, "GET", "/api/v1/agreements", nil, map[string]int{tokAdmin: 200, tokSales: 200, tokITHead: 200}},
	}
	for _, tt := range tests {
		for tok, want := range tt.want {
			t.Run(fmt.Sprintf("%s %s as %s", tt.method, tt.path, tok), func(t *testing.T) {
				h := newHarness(t)
				h.seed()
				if tt.setup != nil {
					tt.setup(h)
				}
				before := h.head()
				rec := h.do(req{method: tt.method, path: tt.path, token: tok, body: tt.body})
				if rec.Code != want {
					t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
				}
				if want == http.StatusForbidden && h.head() != before {
					t.Errorf("a forbidden request appended %d events", h.head()-before)
				}
			})
		}
	}
}

func TestMembersListOnlyTheirDepartment(t *testing.T) {
	h := newHarness(t)
	for _, tok := range []string{tokAdmin, tokSales, tokITHead} {
		h.json(req{method: "GET", path: "/api/v1/handoffs", token: tok}, 200)
	}
	if got, want := fmt.Sprint(h.index.Involving), "[ sales it]"; got != want {
		t.Errorf("filters involved %s, want %s", got, want)
	}
}
