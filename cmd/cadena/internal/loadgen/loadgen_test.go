package loadgen_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/loadgen"
)

// server answers 201, or 500 to the path /fail, and counts the
// connections it accepted.
func server(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"ok":true}`))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

func TestRunSendsEveryRequestOverKeptConnections(t *testing.T) {
	s, conns := server(t)
	next := func(conn, i int) (*http.Request, bool) {
		req, err := http.NewRequest(http.MethodPost, s.URL+"/ok", nil)
		require.NoError(t, err)
		return req, i < 50
	}
	res := loadgen.Run(context.Background(), loadgen.NewClient(4), loadgen.Options{Connections: 4}, next)
	assert.Equal(t, 200, res.Requests)
	assert.Zero(t, res.Failures)
	assert.NoError(t, res.FirstFailure)
	assert.Len(t, res.Latencies, 200)
	assert.LessOrEqual(t, conns.Load(), int64(4), "connections are kept alive")
	assert.LessOrEqual(t, res.Quantile(0.5), res.Quantile(0.99))
	assert.Positive(t, res.PerSecond())
}

func TestRunCountsFailuresAndStopsAtMaxRequests(t *testing.T) {
	s, _ := server(t)
	next := func(conn, i int) (*http.Request, bool) {
		path := "/ok"
		if i%2 == 1 {
			path = "/fail"
		}
		req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
		require.NoError(t, err)
		return req, true
	}
	res := loadgen.Run(context.Background(), loadgen.NewClient(1), loadgen.Options{Connections: 1, MaxRequests: 10}, next)
	assert.Equal(t, 10, res.Requests)
	assert.Equal(t, 5, res.Failures)
	assert.Len(t, res.Latencies, 5)
	assert.ErrorIs(t, res.FirstFailure, loadgen.ErrStatus)
	assert.ErrorContains(t, res.FirstFailure, "500")
}

func TestRunStopsAfterTheDurationAndWaitsForRequestsInFlight(t *testing.T) {
	const d = time.Millisecond
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The request arrives after the run started, so it is answered
		// after the run's duration has passed, by construction.
		time.Sleep(50 * d)
	}))
	t.Cleanup(s.Close)
	next := func(conn, i int) (*http.Request, bool) {
		req, err := http.NewRequest(http.MethodGet, s.URL, nil)
		require.NoError(t, err)
		return req, true
	}
	res := loadgen.Run(context.Background(), loadgen.NewClient(1), loadgen.Options{Connections: 1, Duration: d}, next)
	assert.Equal(t, 1, res.Requests, "the request in flight at the end is answered and counted; none starts after")
	assert.Zero(t, res.Failures)
	assert.Len(t, res.Latencies, 1)
	assert.GreaterOrEqual(t, res.Elapsed, 50*d)
}
