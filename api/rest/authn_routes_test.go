package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// publicRoutes are the routes README's Security section lets anyone call:
// liveness, readiness, /metrics (unless --metrics-token-file), the OpenAPI
// document and the static page, which holds no data.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /api/openapi.json": true,
	"HEAD /healthz": true, "HEAD /readyz": true, "HEAD /metrics": true, "HEAD /api/openapi.json": true,
	"GET /": true, "HEAD /": true, "GET /index.html": true, "HEAD /index.html": true,
	"GET /assets/*": true, "HEAD /assets/*": true,
}

// TestEveryRouteButThePublicOnesNeedsAToken walks every route Echo
// registered, so a route added later is covered without a line here: all
// but the public ones answer 401 (with WWW-Authenticate) to a request
// without a token and to one with a token the server does not know, and
// append nothing; the public ones answer without a token.
func TestEveryRouteButThePublicOnesNeedsAToken(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	h := newHarness(t, func(c *rest.Config) { c.Web = page })
	h.seed()
	h.request("h")
	e, ok := h.handler.(*echo.Echo)
	require.True(t, ok, "the handler is Echo's")

	served := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == echo.RouteNotFound || r.Path == "" {
			continue
		}
		route := r.Method + " " + r.Path
		if served[route] {
			continue
		}
		served[route] = true
		path := strings.NewReplacer(":id", "h", ":supplier", "it", ":customer", "sales", "*", "app.js").Replace(r.Path)
		before := h.head()
		if publicRoutes[route] {
			rec := httptest.NewRecorder() // not h.do: the page is not in the OpenAPI document
			h.handler.ServeHTTP(rec, httptest.NewRequest(r.Method, path, nil))
			assert.NotEqual(t, http.StatusUnauthorized, rec.Code, "%s is public: %s", route, rec.Body)
			continue
		}
		for name, token := range map[string]string{"no token": "", "unknown token": "cdn_not-a-token"} {
			rec := h.do(req{method: r.Method, path: path, token: token, body: map[string]any{}})
			assert.Equal(t, http.StatusUnauthorized, rec.Code, "%s with %s: %s", route, name, rec.Body)
			assert.NotEmpty(t, rec.Header().Get("WWW-Authenticate"), "%s with %s", route, name)
			assert.Equal(t, before, h.head(), "%s with %s appended", route, name)
		}
	}
	for route := range publicRoutes {
		assert.True(t, served[route], "public route %s is not served", route)
	}
	assert.Greater(t, len(served), len(publicRoutes)+20, "the routes walked")
}
