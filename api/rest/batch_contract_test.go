package rest_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBatchReplayMarksEveryCommand: a batch sent again answers every
// command with an idempotency key as the first time, marked replayed,
// whatever the command (a department too), and appends nothing.
func TestBatchReplayMarksEveryCommand(t *testing.T) {
	h := newHarness(t)
	h.seed()
	body := map[string]any{"commands": []map[string]any{
		{"command": "department", "idempotency_key": "k-dep", "id": "finance", "name": "Finance"},
		{"command": "agreement", "idempotency_key": "k-ag", "supplier": "it", "customer": "finance", "resolve_within": "72h"},
		{"command": "request", "idempotency_key": "k-req", "id": "rp-1", "supplier": "it", "customer": "finance", "kind": "laptop", "title": "A laptop"},
		{"command": "accept", "idempotency_key": "k-acc", "id": "rp-1"},
	}}
	first := h.replayBatch(body)
	head := h.head()
	again := h.replayBatch(body)
	assert.Equal(t, head, h.head(), "a batch sent again appends nothing")
	require.Len(t, again, len(first))
	for i := range first {
		assert.False(t, first[i].Replayed, "command %d the first time", i)
		assert.True(t, again[i].Replayed, "command %d sent again", i)
		assert.Equal(t, first[i].Status, again[i].Status, "command %d", i)
		assert.Equal(t, first[i].Position, again[i].Position, "command %d", i)
	}
	assert.Equal(t, []int{201, 200, 201, 200}, []int{first[0].Status, first[1].Status, first[2].Status, first[3].Status})
}

type replayResult struct {
	Status   int    `json:"status"`
	Position uint64 `json:"position"`
	Replayed bool   `json:"replayed"`
}

func (h *harness) replayBatch(body any) []replayResult {
	h.t.Helper()
	rec := h.do(req{method: "POST", path: "/api/v1/batch", token: tokAdmin, body: body})
	require.Equal(h.t, 200, rec.Code, "%s", rec.Body)
	var out struct{ Results []replayResult }
	require.NoError(h.t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out.Results
}

// TestBatchRefusedWhole: the answers that refuse a whole batch are
// problem documents with a precise detail, and append nothing.
func TestBatchRefusedWhole(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	one := `{"command":"department","id":"finance","name":"Finance"}`
	tests := []struct {
		name   string
		body   string
		header map[string]string
		status int
		detail string
		field  string
	}{
		{"malformed JSON", `{"commands":[` + one, nil, 400, "malformed JSON: the body ends too early", ""},
		{"not an object", `[` + one + `]`, nil, 400, "the body must be a JSON object, not an array", ""},
		{"commands not an array", `{"commands":` + one + `}`, nil, 400, "commands must be a JSON array, not an object", "commands"},
		{"a member of no command", `{"commands":[{"command":"accept","id":"x","color":"red"}]}`, nil, 400,
			`unknown field "commands[0].color" (names are case-sensitive)`, "commands[0].color"},
		{"another member of the body", `{"commands":[` + one + `],"dry_run":true}`, nil, 400,
			`unknown field "dry_run" (names are case-sensitive)`, "dry_run"},
		{"a command not an object", `{"commands":[` + one + `,"accept"]}`, nil, 400, "commands[1] must be a JSON object, not a string", "commands[1]"},
		{"a fraction for a whole number", `{"commands":[{"command":"rating","id":"x","score":4.5}]}`, nil, 400,
			"commands[0].score must be a whole number, not 4.5", "commands[0].score"},
		{"a string for a number", `{"commands":[{"command":"rating","id":"x","score":"4"}]}`, nil, 400,
			"commands[0].score must be a JSON number, not a string", "commands[0].score"},
		{"a string not UTF-8", `{"commands":[{"command":"department","id":"x","name":"\udc00"}]}`, nil, 422,
			"commands[0].name: not valid UTF-8 (at byte 54)", "commands[0].name"},
		{"an Idempotency-Key header", `{"commands":[` + one + `]}`, map[string]string{"Idempotency-Key": "batch-1"}, 400,
			"a batch takes no Idempotency-Key header: give each command its idempotency_key member", "Idempotency-Key"},
		{"another content type", `{"commands":[` + one + `]}`, map[string]string{"Content-Type": "text/csv"}, 415,
			`the body must be application/json, not "text/csv"`, "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := h.do(req{method: "POST", path: "/api/v1/batch", token: tokAdmin, body: tt.body, header: tt.header})
			require.Equal(t, tt.status, rec.Code, "%s", rec.Body)
			assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
			var pr struct {
				Status        int
				Detail, Field string
			}
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pr))
			assert.Equal(t, tt.status, pr.Status)
			assert.Equal(t, tt.detail, pr.Detail)
			assert.Equal(t, tt.field, pr.Field)
		})
	}
	assert.Equal(t, before, h.head(), "a refused batch appends nothing")
}

// TestBatchOfTheLimit: 10,000 commands, the documented limit, are taken.
func TestBatchOfTheLimit(t *testing.T) {
	h := newHarness(t)
	h.seed()
	cmds := make([]map[string]any, 10_000)
	for i := range cmds {
		cmds[i] = map[string]any{"command": "department", "id": fmt.Sprintf("d-%d", i), "name": "D"}
	}
	got := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	require.Len(t, got.Results, len(cmds))
	for i, r := range got.Results {
		if !assert.Equal(t, 201, r.Status, "command %d", i) {
			break
		}
	}
	assert.Equal(t, h.head(), got.Position)
}

// TestScoreMustBeWhole: a rating's score that is a number but not a whole
// one says so, on the command's own endpoint too.
func TestScoreMustBeWhole(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, score := range []string{"4.5", "1e400"} {
		got := h.json(req{method: "POST", path: "/api/v1/handoffs/nope/rating", token: tokAdmin, body: `{"score":` + score + `}`}, 400)
		assert.Equal(t, "score must be a whole number, not "+score, got["detail"])
		assert.Equal(t, "score", got["field"])
	}
}
