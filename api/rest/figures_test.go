package rest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFigures(t *testing.T) {
	h := newHarness(t)
	h.seed()
	start := time.Now().Add(-3 * time.Hour).UTC()
	for i := range 3 {
		id := fmt.Sprintf("h%d", i)
		h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": id, "supplier": "it",
			"customer": "sales", "kind": "laptop", "title": "t", "occurred_at": start.Format(time.RFC3339)}}, 201)
		h.json(req{method: "POST", path: "/api/v1/handoffs/" + id + "/deliver", token: tokIT}, 200)
		h.json(req{method: "POST", path: "/api/v1/handoffs/" + id + "/rating", token: tokSales, body: map[string]any{"score": 4 + i%2}}, 200)
	}
	h.json(req{method: "POST", path: "/api/v1/handoffs/h0/return", token: tokSales, body: map[string]any{"reason": "again"}}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
		body: map[string]any{"supplier": "legal", "customer": "it", "kind": "contract", "title": "NDA"}}, 201)
	pos := fmt.Sprintf("min_position=%d", h.head())

	for _, tok := range []string{tokAdmin, tokSales, tokITHead, tokLegal} {
		pairs := h.json(req{method: "GET", path: "/api/v1/pairs?" + pos, token: tok}, 200)
		ps, _ := pairs["pairs"].([]any)
		require.Len(t, ps, 2, "pairs: %v", pairs)
	}
	pair := h.json(req{method: "GET", path: "/api/v1/pairs/it/sales?" + pos, token: tokLegal}, 200)
	assert.Equal(t, []any{3.0, 3.0, 1.0}, []any{pair["requested"], pair["delivered"], pair["returned"]},
		"pair it -> sales (requested, delivered, returned): %v", pair)
	sat := pair["satisfaction"].(map[string]any)
	assert.Equal(t, 3.0, sat["ratings"], "satisfaction: %v", sat)
	hot := h.json(req{method: "GET", path: "/api/v1/hotspots?min_volume=2&limit=5&" + pos, token: tokSales}, 200)
	if hs := hot["hotspots"].([]any); assert.Len(t, hs, 1, "hotspots: %v", hot) {
		assert.Equal(t, "it", hs[0].(map[string]any)["supplier"], "hotspots: %v", hot)
	}
	card := h.json(req{method: "GET", path: "/api/v1/departments/it/scorecard?" + pos, token: tokSales}, 200)
	assert.Equal(t, "it", card["department"], "scorecard: %v", card)
	assert.Equal(t, 3.0, card["as_supplier"].(map[string]any)["requested"], "scorecard as supplier: %v", card)
	assert.Equal(t, 1.0, card["as_customer"].(map[string]any)["requested"], "scorecard as customer: %v", card)
	chain := h.json(req{method: "GET", path: "/api/v1/chain?" + pos, token: tokIT}, 200)
	assert.Len(t, chain["nodes"].([]any), 3, "chain nodes: %v", chain)
	assert.Len(t, chain["edges"].([]any), 2, "chain edges: %v", chain)
	day := now.Format(time.DateOnly)
	win := h.json(req{method: "GET", path: "/api/v1/pairs?from=" + day + "&" + pos, token: tokIT}, 200)
	assert.Equal(t, day, win["from"], "window from today: %v", win)
	assert.Len(t, win["pairs"].([]any), 2, "window from today: %v", win)
	empty := h.json(req{method: "GET", path: "/api/v1/hotspots?to=2020-01-01", token: tokIT}, 200)
	assert.Equal(t, []any{}, empty["hotspots"], "hotspots of 2019: an empty list")

	for _, tt := range []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/pairs?from=yesterday", 400, "from"},
		{"/api/v1/pairs?from=2026-02-01&to=2026-01-01", 400, "to"},
		{"/api/v1/chain?to=31-12-2025", 400, "to"},
		{"/api/v1/hotspots?limit=0", 400, "limit"},
		{"/api/v1/hotspots?min_volume=-1", 400, "min_volume"},
		{"/api/v1/pairs/it/hr", 404, "customer"},
		{"/api/v1/departments/hr/scorecard", 404, ""},
		{"/api/v1/pairs", 401, ""},
	} {
		tok := tokSales
		if tt.status == 401 {
			tok = ""
		}
		p := checkProblem(t, h.do(req{method: "GET", path: tt.path, token: tok}), tt.status)
		assert.Equal(t, tt.field, p.Field, "%s: field", tt.path)
	}
}
