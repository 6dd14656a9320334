package loadgen_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/loadgen"
)

// rawServer answers like server, and also /chunked with a chunked body
// and /close with Connection: close; it records each request's method,
// path, header and body.
func rawServer(t *testing.T) (*httptest.Server, *atomic.Int64, *[]string) {
	var (
		mu   sync.Mutex
		seen []string
	)
	s, conns := server(t)
	next := s.Config.Handler
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Test")+" "+string(body))
		mu.Unlock()
		switch r.URL.Path {
		case "/chunked":
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(strings.Repeat("x", 100)))
			w.(http.Flusher).Flush()
			w.Write([]byte("end"))
		case "/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusOK)
		default:
			next.ServeHTTP(w, r)
		}
	})
	return s, conns, &seen
}

func raw(s *httptest.Server) loadgen.Raw {
	return loadgen.Raw{Addr: strings.TrimPrefix(s.URL, "http://"), Header: "X-Test: yes\r\n"}
}

func TestRunRawSendsEveryRequestOverKeptConnections(t *testing.T) {
	s, conns, seen := rawServer(t)
	res := loadgen.RunRaw(context.Background(), raw(s), loadgen.Options{Connections: 4}, func(req *loadgen.Request, conn, i int) bool {
		req.Method = http.MethodPost
		req.Target = append(req.Target, "/ok"...)
		req.Body = strconv.AppendInt(append(req.Body, "body-"...), int64(conn*100+i), 10)
		return i < 50
	})
	assert.Equal(t, 200, res.Requests)
	assert.Zero(t, res.Failures)
	assert.NoError(t, res.FirstFailure)
	assert.Len(t, res.Latencies, 200)
	assert.LessOrEqual(t, conns.Load(), int64(4), "connections are kept alive")
	require.Len(t, *seen, 200)
	assert.Contains(t, *seen, "POST /ok yes body-349", "method, target, header and body arrive as written")
}

func TestRunRawReadsChunkedAnswersAndRedialsClosedConnections(t *testing.T) {
	s, conns, seen := rawServer(t)
	paths := []string{"/chunked", "/close", "/fail", "/ok"}
	res := loadgen.RunRaw(context.Background(), raw(s), loadgen.Options{Connections: 1, MaxRequests: 8}, func(req *loadgen.Request, conn, i int) bool {
		req.Method = http.MethodGet
		req.Target = append(req.Target, paths[i%len(paths)]...)
		return true
	})
	assert.Equal(t, 8, res.Requests)
	assert.Equal(t, 2, res.Failures, "the two answers of /fail")
	assert.ErrorIs(t, res.FirstFailure, loadgen.ErrStatus)
	assert.ErrorContains(t, res.FirstFailure, "500 for GET /fail")
	assert.Len(t, *seen, 8)
	assert.Equal(t, int64(3), conns.Load(), "a new connection after each Connection: close")
}
