package rest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// GET /api/v1/range finds a history that lies years before the default
// window: an imported log from 2011.
func TestRangeOfTheHistory(t *testing.T) {
	h := newHarness(t)
	h.seed()
	empty := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/range?min_position=%d", h.head()), token: tokSales}, 200)
	assert.Equal(t, map[string]any{"first": nil, "last": nil, "window": nil}, empty, "no hand-off yet")

	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "old", "supplier": "it",
		"customer": "sales", "kind": "laptop", "title": "t", "occurred_at": "2011-05-03T08:00:00Z"}}, 201)
	h.json(req{method: "POST", path: "/api/v1/handoffs/old/deliver", token: tokIT, body: map[string]any{"occurred_at": "2011-06-20T23:30:00Z"}}, 200)
	for _, tok := range []string{tokAdmin, tokLegal, tokITHead} {
		got := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/range?min_position=%d", h.head()), token: tok}, 200)
		assert.Equal(t, map[string]any{"first": "2011-05-03T08:00:00Z", "last": "2011-06-20T23:30:00Z",
			"window": map[string]any{"from": "2011-05-03", "to": "2011-06-21"}}, got, "every role may read the range")
	}
	rec := h.do(req{method: "GET", path: "/api/v1/range"})
	assert.Equal(t, 401, rec.Code, "a token is needed")
}

// When a rating was given is not for the supplier's side (README,
// Security): a rating never moves the range, so a supplier reading it
// before and after learns nothing of the moment.
func TestRangeNeverShowsWhenARatingWasGiven(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "h", "supplier": "it",
		"customer": "sales", "kind": "laptop", "title": "t", "occurred_at": "2011-05-03T08:00:00Z"}}, 201)
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/deliver", token: tokIT, body: map[string]any{"occurred_at": "2011-06-20T23:30:00Z"}}, 200)
	before := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/range?min_position=%d", h.head()), token: tokIT}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/rating", token: tokSales,
		body: map[string]any{"score": 1, "occurred_at": "2011-06-22T10:11:12Z"}}, 200)
	after := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/range?min_position=%d", h.head()), token: tokIT}, 200)
	assert.Equal(t, before, after, "the range moved with a rating")
}
