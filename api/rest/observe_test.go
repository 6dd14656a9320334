package rest_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

func TestOpenEndpoints(t *testing.T) {
	h := newHarness(t)
	h.json(req{method: "GET", path: "/healthz"}, 200)
	h.json(req{method: "GET", path: "/readyz"}, 200)
	h.progress.notReady.Store(true)
	checkProblem(t, h.do(req{method: "GET", path: "/readyz"}), 503)
	checkProblem(t, h.do(req{method: "GET", path: "/metrics"}), 404)
	doc := h.json(req{method: "GET", path: "/api/openapi.json"}, 200)
	assert.Equal(t, "3.0.3", doc["openapi"], "openapi")

	withMetrics := newHarness(t, func(c *rest.Config) {
		c.MetricsHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			w.Write([]byte("cadena_up 1\n"))
		})
	})
	rec := withMetrics.do(req{method: "GET", path: "/metrics"})
	assert.Equal(t, 200, rec.Code, "metrics: %s", rec.Body)
	assert.Equal(t, "cadena_up 1\n", rec.Body.String(), "metrics")
}

func TestRequestIDAndLogging(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, header: map[string]string{"X-Request-Id": "abc-123"},
		body: map[string]any{"id": "h", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}})
	assert.Equal(t, "abc-123", rec.Header().Get("X-Request-Id"), "request ID not echoed")
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/deliver", token: tokIT}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/rating", token: tokSales, body: map[string]any{"score": 2, "comment": "secret grumble"}}, 200)
	rec = h.do(req{method: "GET", path: "/api/v1/handoffs/h"}) // 401
	assert.Len(t, rec.Header().Get("X-Request-Id"), 32, "generated request ID")

	// The request ID is the events' correlation ID.
	events := h.store.events(t)
	require.GreaterOrEqual(t, len(events), 3, "events")
	assert.Contains(t, string(events[len(events)-3].Metadata), `"correlation_id":"abc-123"`, "metadata of the request")

	logs := h.logs.String()
	for _, secret := range []string{tokSales, tokIT, tokAdmin, "secret grumble", "Bearer"} {
		assert.NotContains(t, logs, secret, "logs hold a secret")
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		if l["msg"] == "http request" {
			lines = append(lines, l)
		}
	}
	require.NoError(t, sc.Err())
	// 3 departments, 1 agreement, request, deliver, rating, 401
	require.Len(t, lines, 8, "request lines:\n%s", logs)
	rating := lines[6]
	want := map[string]any{"route": "/api/v1/handoffs/:id/rating", "method": "POST", "status": 200.0, "actor": "sales-team"}
	for k, v := range want {
		assert.Equal(t, v, rating[k], "log %s", k)
	}
	assert.NotEmpty(t, rating["request_id"], "log line %v", rating)
	assert.NotNil(t, rating["duration"], "log line %v", rating)
	assert.Equal(t, "abc-123", lines[4]["request_id"], "request line %v", lines[4])

	// Metrics see route templates, never raw paths.
	h.do(req{method: "GET", path: "/no/such/thing"})
	obs := h.observed.list
	last := obs[len(obs)-1]
	assert.True(t, last.route == "unmatched" || strings.HasPrefix(last.route, "/"), "unmatched route observed as %q", last.route)
	assert.NotContains(t, last.route, "thing", "unmatched route observed as a raw path")
	assert.Equal(t, observation{route: "/api/v1/handoffs/:id/rating", method: "POST", status: 200}, obs[6], "observed")
}
