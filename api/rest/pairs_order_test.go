package rest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPairsAndChainOrder: GET /api/v1/pairs lists the pairs with activity
// in the window by supplier, then customer; the chain's nodes are the
// departments of those pairs by ID, its edges those pairs in the same
// order, each with volume = requested (README, Across pairs). A registered
// department without activity is in neither.
func TestPairsAndChainOrder(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.json(req{method: "PUT", path: "/api/v1/departments/idle", token: tokAdmin, body: map[string]any{"name": "Idle"}}, 201)
	for _, r := range []struct{ id, supplier string }{{"a", "legal"}, {"b", "it"}, {"c", "legal"}} {
		h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
			body: map[string]any{"id": r.id, "supplier": r.supplier, "customer": "sales", "kind": "k", "title": "t"}}, 201)
	}
	// Both reads at the last write's position: the figures of one log.
	at := fmt.Sprint(h.head())
	pairs := h.json(req{method: "GET", path: "/api/v1/pairs?min_position=" + at, token: tokSales}, 200)["pairs"].([]any)
	require.Len(t, pairs, 2)
	var order []string
	requested := map[string]float64{}
	for _, p := range pairs {
		f := p.(map[string]any)
		k := f["supplier"].(string) + ">" + f["customer"].(string)
		order = append(order, k)
		requested[k] = f["requested"].(float64)
	}
	assert.Equal(t, []string{"it>sales", "legal>sales"}, order)

	chain := h.json(req{method: "GET", path: "/api/v1/chain?min_position=" + at, token: tokSales}, 200)
	var nodes, edges []string
	for _, n := range chain["nodes"].([]any) {
		nodes = append(nodes, n.(map[string]any)["id"].(string))
	}
	for _, e := range chain["edges"].([]any) {
		f := e.(map[string]any)
		k := f["supplier"].(string) + ">" + f["customer"].(string)
		edges = append(edges, k)
		assert.Equal(t, requested[k], f["volume"], k)
	}
	assert.Equal(t, []string{"it", "legal", "sales"}, nodes)
	assert.Equal(t, order, edges)
}
