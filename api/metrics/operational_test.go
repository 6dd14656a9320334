package metrics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

func TestHTTPMetricsUseRouteTemplates(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	h := metrics.NewHTTP(reg)
	h.Observe("/api/v1/handoffs/:id", "GET", 200, 3*time.Millisecond)
	h.Observe("/api/v1/handoffs/:id", "GET", 200, 5*time.Millisecond)
	h.Observe("/api/v1/handoffs/:id", "GET", 404, time.Millisecond)
	want := `
# HELP cadena_http_requests_total HTTP requests served, by route template, method and status code.
# TYPE cadena_http_requests_total counter
cadena_http_requests_total{code="200",method="GET",route="/api/v1/handoffs/:id"} 2
cadena_http_requests_total{code="404",method="GET",route="/api/v1/handoffs/:id"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_http_requests_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(reg, "cadena_http_request_duration_seconds"); n != 1 {
		t.Fatalf("duration series = %d, want 1 (route and method only)", n)
	}
}

func TestStoreRecordsAppendLatencyByResult(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	mem := memory.New(memory.Options{})
	defer mem.Close()
	s := metrics.NewStore(mem, reg)
	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	if _, err := s.Append(context.Background(), "s", eventstore.NoStream, ev); err != nil {
		t.Fatal(err)
	}
	ev.ID = eventstore.NewID()
	if _, err := s.Append(context.Background(), "s", eventstore.NoStream, ev); !errors.Is(err, eventstore.ErrWrongVersion) {
		t.Fatalf("second append: %v", err)
	}
	out, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, mf := range out {
		for _, m := range mf.GetMetric() {
			counts[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
		}
	}
	if counts["ok"] != 1 || counts["error"] != 1 {
		t.Fatalf("append observations by result = %v, want one ok and one error", counts)
	}
}

type progress struct {
	pos, lag uint64
	err      error
}

func (p progress) Position() uint64                    { return p.pos }
func (p progress) Lag(context.Context) (uint64, error) { return p.lag, p.err }

func TestProgressGauges(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	metrics.RegisterProgress(reg, progress{pos: 42, lag: 3})
	want := `
# HELP cadena_projection_lag_events Events in the log not yet applied by the projections (head position minus applied position).
# TYPE cadena_projection_lag_events gauge
cadena_projection_lag_events 3
# HELP cadena_projection_position Global position of the last event the projections applied.
# TYPE cadena_projection_position gauge
cadena_projection_position 42
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

func TestCommitsHistogram(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	c := metrics.NewCommits(reg)
	c.Observe(32, time.Millisecond)
	c.Observe(1, time.Millisecond)
	if n := testutil.CollectAndCount(reg, "cadena_eventstore_commit_events"); n != 1 {
		t.Fatalf("series = %d", n)
	}
	out, _ := reg.Gather()
	for _, mf := range out {
		if mf.GetName() == "cadena_eventstore_commit_events" {
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() != 2 || h.GetSampleSum() != 33 {
				t.Fatalf("commit events: count %d sum %v, want 2 and 33", h.GetSampleCount(), h.GetSampleSum())
			}
		}
	}
}
