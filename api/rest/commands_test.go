package rest_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/domain"
)

// commandRoutes returns the route of every command of the lifecycle table,
// as Echo writes it, and the members of its body.
func commandRoutes() map[string][]string {
	out := map[string][]string{}
	for _, c := range domain.Commands() {
		if c.Name == domain.Request {
			out["/api/v1/handoffs"] = []string{"customer", "details", "id", "kind", "occurred_at", "supplier", "title"}
			continue
		}
		members := []string{"occurred_at"}
		for _, f := range c.Fields {
			members = append(members, string(f))
		}
		slices.Sort(members)
		out["/api/v1/handoffs/:id/"+c.RouteName()] = members
	}
	return out
}

// TestAPIServesExactlyTheLifecycleTable walks the routes Echo registered
// and the paths of the OpenAPI document: the POST routes under
// /api/v1/handoffs are exactly the commands of domain.Commands(), each
// documented with exactly the body members its row lists.
func TestAPIServesExactlyTheLifecycleTable(t *testing.T) {
	want := commandRoutes()

	e, ok := rest.New(rest.Config{}).Handler().(*echo.Echo)
	require.True(t, ok, "the handler is Echo's")
	var served []string
	for _, r := range e.Routes() {
		if r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/api/v1/handoffs") {
			served = append(served, r.Path)
		}
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(want)), served, "POST routes served")

	doc, _ := loadDoc(t)
	documented := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		if item.Post == nil || !strings.HasPrefix(path, "/api/v1/handoffs") {
			continue
		}
		route := strings.ReplaceAll(path, "{id}", ":id")
		require.NotNil(t, item.Post.RequestBody, path)
		media := item.Post.RequestBody.Value.Content.Get("application/json")
		require.NotNil(t, media, "%s takes JSON", path)
		members := slices.Sorted(maps.Keys(media.Schema.Value.Properties))
		documented[route] = members
	}
	assert.Equal(t, want, documented, "POST paths of openapi.json and their body members")
}

// TestCommandBodiesTakeTheirRowsFields sends every body member to every
// command: a member the command's row does not list is a 400 naming it,
// and nothing is appended.
func TestCommandBodiesTakeTheirRowsFields(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("h1")
	values := map[domain.Field]any{domain.FieldReason: "r", domain.FieldNote: "n", domain.FieldScore: 3, domain.FieldComment: "c"}
	for _, c := range domain.Commands() {
		if c.Name == domain.Request {
			continue
		}
		for f, v := range values {
			if c.Takes(f) {
				continue
			}
			before := h.head()
			got := h.json(req{method: "POST", path: "/api/v1/handoffs/h1/" + c.RouteName(), token: tokAdmin,
				body: map[string]any{string(f): v}}, http.StatusBadRequest)
			assert.Equal(t, string(f), got["field"], "%s with %s", c.RouteName(), f)
			assert.Contains(t, got["detail"], c.RouteName(), "the detail names the command")
			assert.Equal(t, before, h.head(), "a rejected %s appends nothing", c.RouteName())
		}
	}
}
