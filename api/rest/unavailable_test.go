package rest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/eventstore"
)

// TestStoreUnavailableIs503: a store whose server cannot be reached makes
// writes (and the reads that go to the store) answer 503 with Retry-After,
// and records nothing.
func TestStoreUnavailableIs503(t *testing.T) {
	h := newHarness(t)
	h.json(req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: map[string]any{"name": "HR"}}, 201)
	before := h.head()
	h.store.failReads(fmt.Errorf("%w: connection refused", eventstore.ErrUnavailable))
	for _, r := range []req{
		{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: map[string]any{"name": "Human resources"}},
		{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{
			"id": "h-down", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "while the store is down"}},
		{method: "GET", path: "/api/v1/handoffs/h-down", token: tokAdmin},
	} {
		rec := h.do(r)
		p := checkProblem(t, rec, 503)
		assert.Equal(t, "1", rec.Header().Get("Retry-After"), "%s %s", r.method, r.path)
		assert.Contains(t, p.Type, "store-unavailable", "%s %s", r.method, r.path)
	}
	assert.Equal(t, before, h.head(), "nothing appended")
}
