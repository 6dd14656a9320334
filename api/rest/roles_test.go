package rest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
				require.Equal(t, want, rec.Code, "status: %s", rec.Body)
				if want == http.StatusForbidden {
					assert.Equal(t, before, h.head(), "a forbidden request appended")
				}
			})
		}
	}
}

func TestMembersListOnlyTheirDepartment(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("it-sales")
	for _, p := range [][2]string{{"sales", "legal"}, {"legal", "it"}} {
		h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
			body: map[string]any{"id": p[0] + "-" + p[1], "supplier": p[0], "customer": p[1], "kind": "advice", "title": "t"}}, 201)
	}
	h.json(req{method: "POST", path: "/api/v1/handoffs/it-sales/deliver", token: tokIT}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs/it-sales/rating", token: tokSales, body: map[string]any{"score": 1, "comment": "secret grumble"}}, 200)
	list := func(tok, query string) []string {
		rec := h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/handoffs?min_position=%d&%s", h.head(), query), token: tok})
		require.Equal(t, 200, rec.Code, "list: %s", rec.Body)
		assert.NotContains(t, rec.Body.String(), "grumble", "the list leaks a rating comment")
		assert.NotContains(t, rec.Body.String(), "score", "the list leaks a rating")
		var body struct{ Handoffs []struct{ ID string } }
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
		var ids []string
		for _, x := range body.Handoffs {
			ids = append(ids, x.ID)
		}
		return ids
	}
	tests := []struct{ tok, query, want string }{
		{tokAdmin, "", "[legal-it sales-legal it-sales]"},
		{tokSales, "", "[sales-legal it-sales]"},
		{tokITHead, "", "[legal-it it-sales]"},
		{tokLegal, "", "[legal-it sales-legal]"},
		{tokLegal, "supplier=it", "[]"},
		{tokAdmin, "supplier=it&customer=sales&state=delivered", "[it-sales]"},
		{tokAdmin, "state=requested&limit=1", "[legal-it]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, fmt.Sprint(list(tt.tok, tt.query)), "%s ?%s", tt.tok, tt.query)
	}
}

func TestListPages(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for i := range 5 {
		h.request(fmt.Sprintf("h%d", i))
	}
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		page := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/handoffs?limit=2&min_position=%d&cursor=%s", h.head(), cursor), token: tokSales}, 200)
		for _, x := range page["handoffs"].([]any) {
			ids = append(ids, x.(map[string]any)["id"].(string))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			break
		}
		require.LessOrEqual(t, pages, 5, "paging does not end")
		cursor = next
	}
	assert.Equal(t, []string{"h4", "h3", "h2", "h1", "h0"}, ids, "pages")
}
