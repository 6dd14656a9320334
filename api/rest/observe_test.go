package rest_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

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
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi %v", doc["openapi"])
	}

	withMetrics := newHarness(t, func(c *rest.Config) {
		c.MetricsHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			w.Write([]byte("cadena_up 1\n"))
		})
	})
	if rec := withMetrics.do(req{method: "GET", path: "/metrics"}); rec.Code != 200 || rec.Body.String() != "cadena_up 1\n" {
		t.Errorf("metrics: %d %s", rec.Code, rec.Body)
	}
}

func TestRequestIDAndLogging(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, header: map[string]string{"X-Request-Id": "abc-123"},
		body: map[string]any{"id": "h", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}})
	if rec.Header().Get("X-Request-Id") != "abc-123" {
		t.Errorf("request ID not echoed: %q", rec.Header().Get("X-Request-Id"))
	}
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/deliver", token: tokIT}, 200)
	h.json(req{method: "POST", path: "/api/v1/handoffs/h/rating", token: tokSales, body: map[string]any{"score": 2, "comment": "secret grumble"}}, 200)
	rec = h.do(req{method: "GET", path: "/api/v1/handoffs/h"}) // 401
	if id := rec.Header().Get("X-Request-Id"); len(id) != 32 {
		t.Errorf("generated request ID %q", id)
	}

	// The request ID is the events' correlation ID.
	if meta := string(h.store.events()[len(h.store.events())-3].Metadata); !strings.Contains(meta, `"correlation_id":"abc-123"`) {
		t.Errorf("metadata %s", meta)
	}

	logs := h.logs.String()
	for _, secret := range []string{tokSales, tokIT, tokAdmin, "secret grumble", "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold %q", secret)
		}
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l["msg"] == "http request" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 8 { // 3 departments, 1 agreement, request, deliver, rating, 401
		t.Fatalf("%d request lines, want 8:\n%s", len(lines), logs)
	}
	rating := lines[6]
	want := map[string]any{"route": "/api/v1/handoffs/:id/rating", "method": "POST", "status": 200.0, "actor": "sales-team"}
	for k, v := range want {
		if rating[k] != v {
			t.Errorf("log %s = %v, want %v", k, rating[k], v)
		}
	}
	if rating["request_id"] == "" || rating["duration"] == nil {
		t.Errorf("log line %v", rating)
	}
	if lines[4]["request_id"] != "abc-123" {
		t.Errorf("request line %v", lines[4])
	}

	// Metrics see route templates, never raw paths.
	h.do(req{method: "GET", path: "/no/such/thing"})
	obs := h.observed.list
	if last := obs[len(obs)-1]; last.route != "unmatched" && !strings.HasPrefix(last.route, "/") || strings.Contains(last.route, "thing") {
		t.Errorf("unmatched route observed as %q", last.route)
	}
	if o := obs[6]; o.route != "/api/v1/handoffs/:id/rating" || o.status != 200 || o.method != "POST" {
		t.Errorf("observed %+v", o)
	}
}
