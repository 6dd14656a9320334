package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// TestRateLimitPerToken: a token over its limit gets 429 with Retry-After,
// other tokens go on, and the unauthenticated routes are never limited.
func TestRateLimitPerToken(t *testing.T) {
	// One request per thousand seconds, bursts of two: the third request
	// of a token within the test is always over.
	h := newHarness(t, func(c *rest.Config) {
		c.RateLimit, c.RateBurst, c.MetricsHandler = 0.001, 2, metricsHandler
	})
	for range 2 {
		h.json(req{method: "GET", path: "/api/v1/departments", token: tokSales}, 200)
	}
	before := h.head()
	rec := h.do(req{method: "PUT", path: "/api/v1/departments/hr", token: tokSales, body: `{"name":"HR"}`})
	p := checkProblem(t, rec, http.StatusTooManyRequests)
	assert.Contains(t, p.Detail, "sales-team")
	secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
	require.NoError(t, err, "Retry-After %q", rec.Header().Get("Retry-After"))
	assert.GreaterOrEqual(t, secs, 900)
	assert.Equal(t, before, h.head(), "a limited request appended events")

	// Another token has its own bucket.
	h.json(req{method: "GET", path: "/api/v1/departments", token: tokIT}, 200)
	// Health, readiness, metrics and the document are exempt.
	for range 5 {
		for _, path := range []string{"/healthz", "/readyz", "/metrics", "/api/openapi.json"} {
			rec := h.do(req{method: "GET", path: path, token: tokSales})
			assert.Equal(t, http.StatusOK, rec.Code, path)
		}
	}
}

// TestNoRateLimitByDefault: a zero RateLimit limits nothing.
func TestNoRateLimitByDefault(t *testing.T) {
	h := newHarness(t)
	for range 20 {
		h.json(req{method: "GET", path: "/api/v1/departments", token: tokSales}, 200)
	}
}

// TestMetricsToken: with a metrics token, /metrics wants it as a bearer
// token; without one, /metrics is open.
func TestMetricsToken(t *testing.T) {
	h := newHarness(t, func(c *rest.Config) { c.MetricsHandler, c.MetricsToken = metricsHandler, "cdn_metrics-secret" })
	for _, auth := range []string{"", "Bearer wrong", "Basic cdn_metrics-secret", "Bearer " + tokAdmin} {
		rec := h.do(req{method: "GET", path: "/metrics", header: map[string]string{"Authorization": auth}})
		checkProblem(t, rec, http.StatusUnauthorized)
		assert.NotEmpty(t, rec.Header().Get("WWW-Authenticate"))
		assert.NotContains(t, rec.Body.String(), "up 1", "auth %q", auth)
	}
	rec := h.do(req{method: "GET", path: "/metrics", header: map[string]string{"Authorization": "Bearer cdn_metrics-secret"}})
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "up 1\n", rec.Body.String())

	open := newHarness(t, func(c *rest.Config) { c.MetricsHandler = metricsHandler })
	rec = httptest.NewRecorder()
	open.handler.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
}

var metricsHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, _ = w.Write([]byte("up 1\n"))
})

// TestEveryAPIRouteDocumentsTheLimit: every /api/v1 route authenticates,
// and authentication refuses (401) and rate-limits (429), so the document
// gives both for each of them; the backup route among them answers 429 as
// the document says.
func TestEveryAPIRouteDocumentsTheLimit(t *testing.T) {
	doc, _ := loadDoc(t)
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method, op := range item.Operations() {
			for _, status := range []int{http.StatusUnauthorized, http.StatusTooManyRequests} {
				assert.NotNil(t, op.Responses.Status(status), "%s %s does not document %d", method, path, status)
			}
		}
	}

	h := newHarness(t, func(c *rest.Config) { c.RateLimit, c.RateBurst = 0.001, 1 })
	h.json(req{method: "GET", path: "/api/v1/departments", token: tokAdmin}, 200)
	rec := h.do(req{method: "GET", path: "/api/v1/admin/backup", token: tokAdmin})
	checkProblem(t, rec, http.StatusTooManyRequests)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
}
