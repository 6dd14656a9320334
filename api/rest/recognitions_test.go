package rest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecognitions(t *testing.T) {
	h := newHarness(t)
	h.seed()
	path := "/api/v1/pairs/it/sales/recognitions"
	earlier := now.Add(-2 * time.Hour).Format(time.RFC3339)
	first := h.json(req{method: "POST", path: path, token: tokSalesHead,
		body: map[string]any{"message": "the laptops came a day early", "occurred_at": earlier}}, 201)
	assert.Equal(t, map[string]any{"from": "sales", "to": "it", "message": "the laptops came a day early",
		"author": "sales-head", "occurred_at": earlier, "position": float64(h.head())}, first)
	rec := h.do(req{method: "POST", path: path, token: tokSales, body: map[string]any{"message": "thank you ¡gracias!"}})
	require.Equal(t, 201, rec.Code, rec.Body.String())
	assert.Equal(t, fmt.Sprint(h.head()), rec.Header().Get("Cadena-Position"))
	h.json(req{method: "POST", path: "/api/v1/pairs/sales/it/recognitions", token: tokIT, body: map[string]any{"message": "clear requests"}}, 201)

	before := h.head()
	for _, tt := range []struct {
		token  string
		path   string
		body   any
		status int
		field  string
	}{
		{tokIT, path, map[string]any{"message": "self praise"}, 403, ""},
		{tokITHead, path, map[string]any{"message": "self praise"}, 403, ""},
		{tokLegal, path, map[string]any{"message": "outsider"}, 403, ""},
		{tokSales, path, map[string]any{"message": ""}, 422, "message"},
		{tokSales, path, map[string]any{"message": strings.Repeat("x", 501)}, 422, "message"},
		{tokSales, path, map[string]any{"message": "x", "score": 5}, 400, "score"},
		{tokSales, path, map[string]any{"message": "x", "occurred_at": "yesterday"}, 422, "occurred_at"},
		{tokSales, "/api/v1/pairs/hr/sales/recognitions", map[string]any{"message": "x"}, 404, "supplier"},
		{tokAdmin, "/api/v1/pairs/sales/sales/recognitions", map[string]any{"message": "x"}, 422, "customer"},
	} {
		p := checkProblem(t, h.do(req{method: "POST", path: tt.path, token: tt.token, body: tt.body}), tt.status)
		assert.Equal(t, tt.field, p.Field, "%s %v", tt.path, tt.body)
	}
	assert.Equal(t, before, h.head(), "rejected recognitions append nothing")

	pos := fmt.Sprintf("?min_position=%d", h.head())
	list := h.json(req{method: "GET", path: path + pos, token: tokLegal}, 200)
	rs := list["recognitions"].([]any)
	require.Len(t, rs, 2)
	assert.Equal(t, "thank you ¡gracias!", rs[0].(map[string]any)["message"], "newest first")
	assert.Equal(t, first, rs[1])
	card := h.json(req{method: "GET", path: "/api/v1/departments/it/recognitions" + pos + "&limit=1", token: tokIT}, 200)
	assert.Equal(t, "it", card["department"])
	assert.Len(t, card["recognitions"], 1)
	sales := h.json(req{method: "GET", path: "/api/v1/departments/sales/recognitions" + pos, token: tokIT}, 200)
	require.Len(t, sales["recognitions"], 1)
	assert.Equal(t, "clear requests", sales["recognitions"].([]any)[0].(map[string]any)["message"])
	old := h.json(req{method: "GET", path: path + "?to=2020-01-01", token: tokIT}, 200)
	assert.Empty(t, old["recognitions"], "the window filters")

	checkProblem(t, h.do(req{method: "GET", path: "/api/v1/pairs/it/hr/recognitions", token: tokIT}), 404)
	checkProblem(t, h.do(req{method: "GET", path: "/api/v1/departments/hr/recognitions", token: tokIT}), 404)
	checkProblem(t, h.do(req{method: "GET", path: path + "?limit=501", token: tokIT}), 400)
}

func TestRecogniseIdempotentOverHTTP(t *testing.T) {
	h := newHarness(t)
	h.seed()
	key := map[string]string{"Idempotency-Key": "thanks-1"}
	r := req{method: "POST", path: "/api/v1/pairs/it/sales/recognitions", token: tokSales, body: map[string]any{"message": "thanks"}, header: key}
	first := h.json(r, 201)
	head := h.head()
	assert.Equal(t, first, h.json(r, 201), "a retry answers as the first call")
	assert.Equal(t, head, h.head(), "and appends nothing")
	r.body = map[string]any{"message": "other"}
	checkProblem(t, h.do(r), 409)
}
