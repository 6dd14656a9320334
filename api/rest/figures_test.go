package rest_test

import (
	"fmt"
	"testing"
	"time"
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
		if ps, _ := pairs["pairs"].([]any); len(ps) != 2 {
			t.Fatalf("pairs: %v", pairs)
		}
	}
	pair := h.json(req{method: "GET", path: "/api/v1/pairs/it/sales?" + pos, token: tokLegal}, 200)
	if pair["requested"] != 3.0 || pair["delivered"] != 3.0 || pair["returned"] != 1.0 {
		t.Errorf("pair it -> sales: %v", pair)
	}
	if sat := pair["satisfaction"].(map[string]any); sat["ratings"] != 3.0 {
		t.Errorf("satisfaction: %v", sat)
	}
	hot := h.json(req{method: "GET", path: "/api/v1/hotspots?min_volume=2&limit=5&" + pos, token: tokSales}, 200)
	if hs := hot["hotspots"].([]any); len(hs) != 1 || hs[0].(map[string]any)["supplier"] != "it" {
		t.Errorf("hotspots: %v", hot)
	}
	card := h.json(req{method: "GET", path: "/api/v1/departments/it/scorecard?" + pos, token: tokSales}, 200)
	if card["department"] != "it" || card["as_supplier"].(map[string]any)["requested"] != 3.0 ||
		card["as_customer"].(map[string]any)["requested"] != 1.0 {
		t.Errorf("scorecard: %v", card)
	}
	chain := h.json(req{method: "GET", path: "/api/v1/chain?" + pos, token: tokIT}, 200)
	if len(chain["nodes"].([]any)) != 3 || len(chain["edges"].([]any)) != 2 {
		t.Errorf("chain: %v", chain)
	}
	day := now.Format(time.DateOnly)
	win := h.json(req{method: "GET", path: "/api/v1/pairs?from=" + day + "&" + pos, token: tokIT}, 200)
	if win["from"] != day || len(win["pairs"].([]any)) != 2 {
		t.Errorf("window from today: %v", win)
	}
	empty := h.json(req{method: "GET", path: "/api/v1/hotspots?to=2020-01-01", token: tokIT}, 200)
	if hs, ok := empty["hotspots"].([]any); !ok || len(hs) != 0 {
		t.Errorf("hotspots of 2019: %v", empty)
	}

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
		{"/api/v1/pairs/it/hr", 404, ""},
		{"/api/v1/departments/hr/scorecard", 404, ""},
		{"/api/v1/pairs", 401, ""},
	} {
		tok := tokSales
		if tt.status == 401 {
			tok = ""
		}
		p := checkProblem(t, h.do(req{method: "GET", path: tt.path, token: tok}), tt.status)
		if p.Field != tt.field {
			t.Errorf("%s: field %q, want %q", tt.path, p.Field, tt.field)
		}
	}
}
