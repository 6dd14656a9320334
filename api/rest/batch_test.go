package rest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cadena-project/cadena/domain"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type batchAnswer struct {
	Results []struct {
		Status   int    `json:"status"`
		Position uint64 `json:"position"`
		Problem  *struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
			Field  string `json:"field"`
		} `json:"problem"`
	} `json:"results"`
	Position uint64 `json:"position"`
}

func (h *harness) batch(token string, body any, want int) batchAnswer {
	h.t.Helper()
	rec := h.do(req{method: "POST", path: "/api/v1/batch", token: token, body: body})
	require.Equal(h.t, want, rec.Code, "POST /api/v1/batch: %s", rec.Body)
	var out batchAnswer
	if want == 200 {
		require.NoError(h.t, json.Unmarshal(rec.Body.Bytes(), &out))
		assert.Equal(h.t, fmt.Sprint(out.Position), rec.Header().Get("Cadena-Position"))
	}
	return out
}

func TestBatchPartlyInvalid(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	at := "2026-01-05T09:00:00Z"
	cmds := []map[string]any{
		{"command": "department", "id": "finance", "name": "Finance", "occurred_at": "2026-01-01T00:00:00Z"},
		{"command": "request", "idempotency_key": "r1", "id": "b-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "A laptop", "occurred_at": at},
		{"command": "accept", "idempotency_key": "a1", "id": "b-1", "occurred_at": at},
		{"command": "deliver", "idempotency_key": "d1", "id": "b-1", "note": "done", "reason": "not taken", "occurred_at": at},
		{"command": "return", "idempotency_key": "x1", "id": "b-1", "reason": "not delivered yet", "occurred_at": at},
		{"command": "accept", "idempotency_key": "x2", "id": "nope", "occurred_at": at},
		{"command": "agreement", "supplier": "it", "customer": "finance", "resolve_within": "soon"},
		{"command": "fly", "id": "b-1"},
		{"command": "request", "idempotency_key": "r2", "supplier": "finance", "customer": "it", "kind": "budget", "title": "Budget", "occurred_at": at},
	}
	got := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	require.Len(t, got.Results, len(cmds))
	var statuses []int
	for _, r := range got.Results {
		statuses = append(statuses, r.Status)
	}
	assert.Equal(t, []int{201, 201, 200, 400, 409, 404, 422, 400, 201}, statuses)
	assert.Equal(t, "commands[3].reason", got.Results[3].Problem.Field)
	assert.Equal(t, "commands[6].resolve_within", got.Results[6].Problem.Field)
	assert.Equal(t, "commands[7].command", got.Results[7].Problem.Field)
	assert.Contains(t, got.Results[4].Problem.Detail, "return")
	// Four commands wrote one event each; the invalid ones wrote nothing.
	assert.Equal(t, before+4, h.head())
	assert.Equal(t, h.head(), got.Position)
	for _, i := range []int{3, 4, 5, 6, 7} {
		assert.Zero(t, got.Results[i].Position, "command %d", i)
	}
	v := h.json(req{method: "GET", path: "/api/v1/handoffs/b-1?min_position=" + fmt.Sprint(got.Position), token: tokAdmin}, 200)
	assert.Equal(t, "accepted", v["state"])

	// The same batch again: the same answers, nothing appended; the
	// department, sent without a key, now exists (200).
	again := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	got.Results[0].Status = 200
	for i, r := range again.Results {
		assert.Equal(t, got.Results[i].Status, r.Status, "command %d", i)
		if i > 0 {
			assert.Equal(t, got.Results[i].Position, r.Position, "command %d", i)
		}
	}
	assert.Equal(t, before+4, h.head())
}

func TestBatchLimits(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	one := map[string]any{"command": "department", "id": "finance", "name": "Finance"}
	many := make([]map[string]any, 10_001)
	for i := range many {
		many[i] = one
	}
	tests := []struct {
		name   string
		token  string
		body   any
		status int
		detail string
	}{
		{"not an admin", tokSales, map[string]any{"commands": []any{one}}, 403, `only an admin may send a batch (member "sales-team")`},
		{"no commands", tokAdmin, map[string]any{"commands": []any{}}, 400, "commands must hold 1 to 10000 commands, got 0"},
		{"too many commands", tokAdmin, map[string]any{"commands": many}, 400, "commands must hold 1 to 10000 commands, got 10001"},
		{"unknown member", tokAdmin, map[string]any{"commands": []any{map[string]any{"command": "accept", "id": "x", "color": "red"}}}, 400, `unknown field "commands[0].color"`},
		{"body too large", tokAdmin, `{"commands":[{"command":"department","id":"x","name":"` + strings.Repeat("n", 16<<20) + `"}]}`, 413, "the request body is over 16777216 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := h.do(req{method: "POST", path: "/api/v1/batch", token: tt.token, body: tt.body})
			require.Equal(t, tt.status, rec.Code, "%s", rec.Body)
			var pr struct{ Detail string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pr))
			assert.Contains(t, pr.Detail, tt.detail)
		})
	}
	assert.Equal(t, before, h.head(), "a rejected batch appends nothing")
}

// TestBatchEveryLifecycleCommand sends every route of the lifecycle table
// as a batch command, named as its endpoint is: each answers as its own
// endpoint does.
func TestBatchEveryLifecycleCommand(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	cmds := []map[string]any{
		{"command": "request", "id": "bh-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "A laptop"},
		{"command": "accept", "id": "bh-1"},
		{"command": "pause", "id": "bh-1", "reason": "waiting for parts"},
		{"command": "resume", "id": "bh-1"},
		{"command": "deliver", "id": "bh-1", "note": "on the desk"},
		{"command": "return", "id": "bh-1", "reason": "wrong keyboard"},
		{"command": "deliver", "id": "bh-1", "note": "keyboard swapped"},
		{"command": "rating", "id": "bh-1", "score": 4, "comment": "quick"},
		{"command": "request", "id": "bh-2", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "Another"},
		{"command": "escalate", "id": "bh-2", "reason": "too slow"},
		{"command": "cancel", "id": "bh-2", "reason": "not needed"},
	}
	sent := map[string]bool{}
	for _, c := range cmds {
		sent[c["command"].(string)] = true
	}
	for _, spec := range domain.Commands() {
		require.True(t, sent[spec.RouteName()], "the batch sends %q", spec.RouteName())
	}
	got := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	require.Len(t, got.Results, len(cmds))
	for i, r := range got.Results {
		want := 200
		if cmds[i]["command"] == "request" {
			want = 201
		}
		assert.Equal(t, want, r.Status, "command %d (%s): %+v", i, cmds[i]["command"], r.Problem)
	}
	assert.Equal(t, before+uint64(len(cmds)), h.head())
	v := h.json(req{method: "GET", path: "/api/v1/handoffs/bh-1?min_position=" + fmt.Sprint(got.Position), token: tokAdmin}, 200)
	assert.Equal(t, "delivered", v["state"])
	require.NotNil(t, v["rating"])
	assert.EqualValues(t, 4, v["rating"].(map[string]any)["score"])
	v = h.json(req{method: "GET", path: "/api/v1/handoffs/bh-2?min_position=" + fmt.Sprint(got.Position), token: tokAdmin}, 200)
	assert.Equal(t, "cancelled", v["state"])
}

// TestBatchDomainFieldsNamed checks that a command the domain rejects
// names its member as "commands[i].<member>", in field and detail.
func TestBatchDomainFieldsNamed(t *testing.T) {
	h := newHarness(t)
	h.seed()
	cmds := []map[string]any{
		{"command": "request", "id": "bf-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "a\u0000b"},
		{"command": "request", "id": "bf-2", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "A laptop"},
		{"command": "deliver", "id": "bf-2", "note": "done"},
		{"command": "return", "id": "bf-2", "reason": ""},
	}
	got := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	require.Len(t, got.Results, len(cmds))
	for _, tt := range []struct {
		i     int
		field string
	}{{0, "commands[0].title"}, {3, "commands[3].reason"}} {
		r := got.Results[tt.i]
		assert.Equal(t, 422, r.Status, "command %d", tt.i)
		require.NotNil(t, r.Problem, "command %d", tt.i)
		assert.Equal(t, tt.field, r.Problem.Field, "command %d", tt.i)
		assert.True(t, strings.HasPrefix(r.Problem.Detail, tt.field+": "), "command %d: %s", tt.i, r.Problem.Detail)
	}
	assert.Equal(t, []int{201, 200}, []int{got.Results[1].Status, got.Results[2].Status})
}

// TestBatchMemberOfAnotherCommand sends members that some command takes,
// but not the one named: each such command is a 400 naming the member,
// and the others are applied.
func TestBatchMemberOfAnotherCommand(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	at := "2026-01-05T09:00:00Z"
	cmds := []map[string]any{
		{"command": "request", "idempotency_key": "m1", "id": "m-1", "supplier": "it", "customer": "sales", "kind": "laptop",
			"title": "A laptop", "calendar": "office", "occurred_at": at},
		{"command": "accept", "idempotency_key": "m2", "id": "m-1", "name": "Accepted", "occurred_at": at},
		{"command": "department", "id": "legal", "name": "Legal", "score": 3},
		{"command": "request", "idempotency_key": "m3", "id": "m-2", "supplier": "it", "customer": "sales", "kind": "laptop",
			"title": "Another laptop", "occurred_at": at},
	}
	got := h.batch(tokAdmin, map[string]any{"commands": cmds}, 200)
	require.Len(t, got.Results, len(cmds))
	for i, field := range []string{"calendar", "name", "score"} {
		require.NotNil(t, got.Results[i].Problem, "command %d", i)
		assert.Equal(t, 400, got.Results[i].Status, "command %d", i)
		assert.Equal(t, fmt.Sprintf("commands[%d].%s", i, field), got.Results[i].Problem.Field)
		assert.Contains(t, got.Results[i].Problem.Detail, fmt.Sprintf("unknown field %q", field))
	}
	assert.Contains(t, got.Results[1].Problem.Detail, "accept takes [idempotency_key occurred_at id]")
	assert.Equal(t, 201, got.Results[3].Status)
	assert.Equal(t, before+1, h.head())
}
