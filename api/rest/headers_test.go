package rest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeaders(t *testing.T) {
	h := newHarness(t)
	rec := h.do(req{method: "PUT", path: "/api/v1/departments/sales", token: tokAdmin, body: `{"name":"Sales"}`,
		header: map[string]string{"Content-Type": "application/json; charset=utf-8"}})
	require.Equal(t, 201, rec.Code, "JSON with a charset: %s", rec.Body)
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"), "headers %v", rec.Header())
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), "headers %v", rec.Header())
	// A command without a body needs no content type.
	rec = h.do(req{method: "POST", path: "/api/v1/departments/sales/retire", token: tokAdmin})
	assert.Equal(t, 200, rec.Code, "retire without a body: %s", rec.Body)
	// Renaming answers 200, and the same name again changes nothing.
	h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"IT"}`}, 201)
	head := h.head()
	h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"IT"}`}, 200)
	assert.Equal(t, head, h.head(), "putting the same name appended")
	got := h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"Information technology"}`}, 200)
	assert.Equal(t, "Information technology", got["name"], "rename: %v", got)
	assert.Equal(t, float64(head+1), got["position"], "rename: %v", got)
}
