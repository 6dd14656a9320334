package metrics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "cadena_http_requests_total"))
	assert.Equal(t, 1, testutil.CollectAndCount(reg, "cadena_http_request_duration_seconds"),
		"duration series: want 1 (route and method only)")
}

func TestStoreRecordsAppendLatencyByResult(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	mem := memory.New(memory.Options{})
	defer mem.Close()
	s := metrics.NewStore(mem, reg)
	ev := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	_, err := s.Append(context.Background(), "s", eventstore.NoStream, ev)
	require.NoError(t, err)
	assert.Equal(t, map[string]uint64{"ok": 1}, appendCounts(t, reg), "no error series before an append fails")
	ev.ID = eventstore.NewID()
	_, err = s.Append(context.Background(), "s", eventstore.NoStream, ev)
	require.ErrorIs(t, err, eventstore.ErrWrongVersion, "second append")
	assert.Equal(t, map[string]uint64{"ok": 1, "error": 1}, appendCounts(t, reg), "append observations by result: want one ok and one error")
}

// appendCounts returns the append latency observations by result.
func appendCounts(t *testing.T, reg prometheus.Gatherer) map[string]uint64 {
	t.Helper()
	out, err := reg.Gather()
	require.NoError(t, err)
	counts := map[string]uint64{}
	for _, mf := range out {
		for _, m := range mf.GetMetric() {
			counts[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
		}
	}
	return counts
}

// TestStoreRecordsABatchOfOneByItsAppend: a lone command appends as a batch
// of one (to skip the store's JSON check), and is counted by its append's
// result, as Append counts it; a larger batch is counted once, by the
// batch's own result, whatever its appends' results.
func TestStoreRecordsABatchOfOneByItsAppend(t *testing.T) {
	ctx := context.Background()
	reg := prometheus.NewPedanticRegistry()
	mem := memory.New(memory.Options{})
	defer mem.Close()
	s := metrics.NewStore(mem, reg)
	one := func(stream string) eventstore.StreamAppend {
		return eventstore.StreamAppend{Stream: stream, Expected: eventstore.NoStream, EncodedJSON: true,
			Events: []eventstore.EventData{{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}}}
	}

	res, err := s.AppendBatch(ctx, []eventstore.StreamAppend{one("a")})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	res, err = s.AppendBatch(ctx, []eventstore.StreamAppend{one("a")})
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, eventstore.ErrWrongVersion)
	assert.Equal(t, map[string]uint64{"ok": 1, "error": 1}, appendCounts(t, reg), "batches of one")

	res, err = s.AppendBatch(ctx, []eventstore.StreamAppend{one("a"), one("b")})
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, eventstore.ErrWrongVersion)
	require.NoError(t, res[1].Err)
	assert.Equal(t, map[string]uint64{"ok": 2, "error": 1}, appendCounts(t, reg), "a batch of two with one append refused")
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
	assert.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want)))
}

func TestCommitsHistogram(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	c := metrics.NewCommits(reg)
	c.Observe(32, time.Millisecond)
	c.Observe(1, time.Millisecond)
	require.Equal(t, 1, testutil.CollectAndCount(reg, "cadena_eventstore_commit_events"), "series")
	out, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range out {
		if mf.GetName() == "cadena_eventstore_commit_events" {
			h := mf.GetMetric()[0].GetHistogram()
			assert.Equal(t, uint64(2), h.GetSampleCount(), "commit events count")
			assert.Equal(t, 33.0, h.GetSampleSum(), "commit events sum")
		}
	}
}
