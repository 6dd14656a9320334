package rest_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCursorsAreChecked: a cursor the list did not give out is a 400, and
// the cursors it does give out page through everything.
func TestCursorsAreChecked(t *testing.T) {
	h := newHarness(t)
	h.seed()
	var last map[string]any
	for _, id := range []string{"a", "b", "c"} {
		last = h.request(id)
	}
	wait := fmt.Sprintf("&min_position=%.0f", last["position"])
	for _, c := range []string{"garbage", "5", "zz"} {
		p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/handoffs?cursor=" + c, token: tokAdmin}), 400)
		assert.Equal(t, "cursor", p.Field, "cursor %q", c)
	}
	var ids []any
	cursor := ""
	for range 3 {
		page := h.json(req{method: "GET", path: "/api/v1/handoffs?limit=2&cursor=" + url.QueryEscape(cursor) + wait, token: tokAdmin}, 200)
		for _, s := range page["handoffs"].([]any) {
			ids = append(ids, s.(map[string]any)["id"])
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Len(t, ids, 3)
	assert.Equal(t, []any{"c", "b", "a"}, ids)
}
