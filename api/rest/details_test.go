package rest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// A request's optional details are recorded, shown on the hand-off and in
// its timeline; too long is a 422 naming details that appends nothing; the
// same id with other details is a conflict, with the same ones a replay.
func TestRequestDetails(t *testing.T) {
	h := newHarness(t)
	h.seed()
	body := map[string]any{"id": "d1", "supplier": "it", "customer": "sales", "kind": "laptop",
		"title": "New laptop", "details": "16 GB of memory.\nThe usual tools."}
	created := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body}, 201)
	assert.Equal(t, "16 GB of memory.\nThe usual tools.", created["details"])
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body}, 200)

	got := h.json(req{method: "GET", path: "/api/v1/handoffs/d1", token: tokIT}, 200)
	assert.Equal(t, "16 GB of memory.\nThe usual tools.", got["details"])
	timeline, ok := got["timeline"].([]any)
	require.True(t, ok, "timeline: %v", got["timeline"])
	data := timeline[0].(map[string]any)["data"].(map[string]any)
	assert.Equal(t, "16 GB of memory.\nThe usual tools.", data["details"], "the requested event carries them")

	other := map[string]any{"id": "d1", "supplier": "it", "customer": "sales", "kind": "laptop",
		"title": "New laptop", "details": "32 GB"}
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: other}, 409)

	before := h.head()
	long := map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "Too much",
		"details": strings.Repeat("x", domain.MaxDetailsLen+1)}
	pr := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: long}, 422)
	assert.Equal(t, "details", pr["field"])
	assert.Contains(t, pr["detail"], "at most 4000 characters")
	assert.Equal(t, before, h.head(), "a rejected request appends nothing")

	plain := h.request("d2")
	assert.NotContains(t, plain, "details", "no details, no member")
}

// A batch's request takes details as POST /api/v1/handoffs does; other
// commands refuse the member.
func TestBatchRequestDetails(t *testing.T) {
	h := newHarness(t)
	h.seed()
	got := h.batch(tokAdmin, map[string]any{"commands": []map[string]any{
		{"command": "request", "id": "bd-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "A laptop", "details": "with a dock"},
		{"command": "accept", "id": "bd-1", "details": "not taken"},
	}}, 200)
	require.Len(t, got.Results, 2)
	assert.Equal(t, 201, got.Results[0].Status)
	require.NotNil(t, got.Results[1].Problem)
	assert.Equal(t, "commands[1].details", got.Results[1].Problem.Field)
	assert.Equal(t, "with a dock", h.json(req{method: "GET", path: "/api/v1/handoffs/bd-1", token: tokAdmin}, 200)["details"])
}
