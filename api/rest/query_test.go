package rest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A query parameter the route does not take (as openapi.json lists them)
// is 400 naming it, on reads and writes alike, and nothing is appended: a
// misspelt filter would otherwise silently not apply.
func TestUnknownQueryParameterRefused(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("h1")
	for _, r := range []req{
		{method: "GET", path: "/api/v1/handoffs?suplier=it", token: tokSales},
		{method: "GET", path: "/api/v1/handoffs/h1?limit=1", token: tokSales},
		{method: "GET", path: "/api/v1/hotspots?step=week", token: tokSales},
		{method: "GET", path: "/api/v1/me?x=", token: tokSales},
		{method: "GET", path: "/api/v1/admin/backup?full=1", token: tokAdmin},
		{method: "POST", path: "/api/v1/handoffs/h1/accept?force=true", token: tokIT, body: map[string]any{}},
		{method: "POST", path: "/api/v1/handoffs?dry_run=1", token: tokSales,
			body: map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "t"}},
		{method: "PUT", path: "/api/v1/departments/hr?name=HR", token: tokAdmin, body: map[string]any{"name": "HR"}},
		{method: "POST", path: "/api/v1/batch?atomic=1", token: tokAdmin,
			body: `{"commands":[{"command":"department","id":"hr","name":"HR"}]}`},
		{method: "POST", path: "/api/v1/handoffs/h1/accept?min_position=1&min_position=2", token: tokIT},
	} {
		before := h.head()
		p := checkProblem(t, h.do(r), 400)
		assert.Equal(t, "urn:cadena:problem:bad-request", p.Type, "%s %s", r.method, r.path)
		assert.NotEmpty(t, p.Field, "%s %s: the parameter is named", r.method, r.path)
		assert.Contains(t, r.path, p.Field+"=", "%s %s: %+v", r.method, r.path, p)
		assert.Equal(t, before, h.head(), "%s %s appends nothing", r.method, r.path)
	}
	p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/handoffs?suplier=it", token: tokSales}), 400)
	assert.Equal(t, `unknown query parameter "suplier": GET /api/v1/handoffs takes supplier, customer, state, limit, cursor, min_position, pretty`, p.Detail)

	// What the document lists is taken.
	h.json(req{method: "GET", path: "/api/v1/handoffs?supplier=it&customer=sales&state=requested&limit=5&min_position=1&pretty", token: tokSales}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs/h1/accept?pretty", token: tokIT}, 200)
}

// ?pretty, given empty or true, indents the answer, a problem's too;
// ?pretty=false and no pretty answer compact JSON; another value is 400.
func TestPrettyTakesTrueOrFalse(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("h1")
	indentedBody := func(r req, status int) bool {
		t.Helper()
		rec := h.do(r)
		require.Equal(t, status, rec.Code, "%s %s: %s", r.method, r.path, rec.Body)
		return strings.Contains(rec.Body.String(), "\n  \"")
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/handoffs/h1", "/api/v1/pairs", "/api/v1/chain", "/api/v1/handoffs"} {
		assert.False(t, indentedBody(req{method: "GET", path: path, token: tokSales}, 200), path)
		assert.True(t, indentedBody(req{method: "GET", path: path + "?pretty", token: tokSales}, 200), path+"?pretty")
		assert.True(t, indentedBody(req{method: "GET", path: path + "?pretty=true", token: tokSales}, 200), path+"?pretty=true")
		assert.True(t, indentedBody(req{method: "GET", path: path + "?pretty=1", token: tokSales}, 200), path+"?pretty=1")
		assert.False(t, indentedBody(req{method: "GET", path: path + "?pretty=false", token: tokSales}, 200), path+"?pretty=false")
		assert.False(t, indentedBody(req{method: "GET", path: path + "?pretty=0", token: tokSales}, 200), path+"?pretty=0")
	}
	assert.False(t, indentedBody(req{method: "GET", path: "/api/v1/departments/nope?pretty=false", token: tokSales}, 404), "a problem")
	assert.True(t, indentedBody(req{method: "GET", path: "/api/v1/departments/nope?pretty", token: tokSales}, 404), "a problem")
	assert.False(t, indentedBody(req{method: "POST", path: "/api/v1/handoffs/h1/accept?pretty=false", token: tokIT}, 200), "a write")

	before := h.head()
	for _, r := range []req{
		{method: "GET", path: "/api/v1/me?pretty=yes", token: tokSales},
		{method: "POST", path: "/api/v1/handoffs/h1/deliver?pretty=please", token: tokIT},
	} {
		p := checkProblem(t, h.do(r), 400)
		assert.Equal(t, "pretty", p.Field, r.path)
		assert.Contains(t, p.Detail, "pretty must be true or false", r.path)
	}
	assert.Equal(t, before, h.head(), "a refused write appends nothing")
}

// The hand-off list's supplier and customer filters are department IDs: a
// value no ID can be is 400 naming the filter, where it would list
// nothing; an ID of no department lists nothing.
func TestHandoffListFiltersAreDepartmentIDs(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("h1")
	for _, q := range []string{"supplier=IT", "customer=sales%20team", "supplier=it&customer=Sales"} {
		p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/handoffs?" + q, token: tokSales}), 400)
		assert.Contains(t, []string{"supplier", "customer"}, p.Field, q)
		assert.Contains(t, p.Detail, "must be a department ID", q)
	}
	got := h.json(req{method: "GET", path: "/api/v1/handoffs?supplier=nope", token: tokSales}, 200)
	assert.Empty(t, got["handoffs"], "an unknown department lists nothing")
}

// The backup is a read like the others: it takes min_position, and waits
// for it (503 position-not-reached when it is not reached in time).
func TestBackupTakesMinPosition(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/admin/backup?min_position=%d", h.head()), token: tokAdmin})
	require.Equal(t, 200, rec.Code, rec.Body.String())
	assert.NotZero(t, rec.Body.Len())
	p := checkProblem(t, h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/admin/backup?min_position=%d", h.head()+100), token: tokAdmin}), 503)
	assert.Equal(t, "urn:cadena:problem:position-not-reached", p.Type)
	assert.Equal(t, "min_position", p.Field)
}
