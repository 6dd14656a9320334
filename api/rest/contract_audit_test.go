package rest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A hand-off requested between departments of which one is not registered
// is 404, and the problem names the member at fault; nothing is appended.
func TestRequestUnknownDepartmentNamesField(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, tc := range []struct{ supplier, customer, field string }{
		{"nope", "sales", "supplier"},
		{"it", "nope", "customer"},
	} {
		before := h.head()
		got := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
			body: map[string]any{"supplier": tc.supplier, "customer": tc.customer, "kind": "laptop", "title": "t"}}, 404)
		assert.Equal(t, "urn:cadena:problem:not-found", got["type"])
		assert.Equal(t, tc.field, got["field"], "%v", got)
		assert.Equal(t, `department "nope": not found`, got["detail"])
		require.Equal(t, before, h.head(), "a refused request appends nothing")
	}
}
