package rest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections/pairstats"
)

// The pairs are written from the figures' ready-made JSON: the body is
// what encoding/json writes for the same answer (the figures decoded and
// encoded again give the same bytes), the ?pretty answer holds the same
// figures, and a new event changes the answer.
func TestPairsWrittenReadyMade(t *testing.T) {
	h := newHarness(t)
	h.seed()
	at := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "p1", "supplier": "it",
		"customer": "sales", "kind": "laptop", "title": "t", "occurred_at": at}}, 201)
	type answer struct {
		From  string              `json:"from"`
		To    string              `json:"to"`
		Pairs []pairstats.Figures `json:"pairs"`
	}
	get := func(query string) ([]byte, answer) {
		rec := h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/pairs?min_position=%d%s", h.head(), query), token: tokSales})
		require.Equal(t, 200, rec.Code, rec.Body.String())
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		var a answer
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a))
		return rec.Body.Bytes(), a
	}
	body, a := get("")
	require.Len(t, a.Pairs, 1)
	var again bytes.Buffer
	require.NoError(t, json.NewEncoder(&again).Encode(a))
	assert.Equal(t, again.String(), string(body))
	_, pretty := get("&pretty")
	assert.Equal(t, a, pretty)

	h.json(req{method: "POST", path: "/api/v1/handoffs/p1/deliver", token: tokIT}, 200)
	_, after := get("")
	require.Len(t, after.Pairs, 1)
	assert.Equal(t, 0, a.Pairs[0].Delivered)
	assert.Equal(t, 1, after.Pairs[0].Delivered, "the delivery is in the next answer")
}

// The chain is written from its ready-made JSON too: the same bytes
// encoding/json writes for the answer, the same answer as ?pretty, and a
// new pair in the next answer.
func TestChainWrittenReadyMade(t *testing.T) {
	h := newHarness(t)
	h.seed()
	at := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "c1", "supplier": "it",
		"customer": "sales", "kind": "laptop", "title": "t", "occurred_at": at}}, 201)
	get := func(query string) ([]byte, pairstats.Chain) {
		rec := h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/chain?min_position=%d%s", h.head(), query), token: tokSales})
		require.Equal(t, 200, rec.Code, rec.Body.String())
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		var ch pairstats.Chain
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &ch))
		return rec.Body.Bytes(), ch
	}
	body, ch := get("")
	require.Len(t, ch.Edges, 1)
	var again bytes.Buffer
	require.NoError(t, json.NewEncoder(&again).Encode(ch))
	assert.Equal(t, again.String(), string(body))
	_, pretty := get("&pretty")
	assert.Equal(t, ch, pretty)

	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokIT, body: map[string]any{"id": "c2", "supplier": "sales",
		"customer": "it", "kind": "quote", "title": "t", "occurred_at": at}}, 201)
	_, after := get("")
	assert.Len(t, after.Edges, 2, "the new pair is in the next answer")
}
