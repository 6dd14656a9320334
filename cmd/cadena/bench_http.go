package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cadena-project/cadena/cmd/cadena/internal/loadgen"
)

// benchHTTP starts a server on a fresh store, registers departments and
// agreements, then measures new hand-offs with unique IDs and the
// lifecycle commands (accept, deliver, rate) on the hand-offs it made;
// then, once that server stopped, the floor rows (benchFloor).
func benchHTTP(ctx context.Context, cfg benchConfig) ([]benchRow, error) {
	dir := filepath.Join(cfg.dir, "http")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s, err := startBenchServer(ctx, dir, filepath.Join(dir, "data"))
	if err != nil {
		return nil, err
	}
	defer s.stop()
	if _, err := s.waitReady(ctx); err != nil {
		return nil, err
	}
	pairs, err := benchSetup(ctx, s, 40, 120)
	if err != nil {
		return nil, err
	}
	ingest, counts := benchIngest(ctx, s, cfg, pairs, "bench", "ingest: new hand-offs")
	lifecycle := benchLifecycle(ctx, s, cfg, "bench", counts)
	if err := s.stop(); err != nil {
		return nil, err
	}
	floor, err := benchFloor(ctx, cfg, pairs)
	return append([]benchRow{ingest, lifecycle}, floor...), err
}

// benchSetup registers departments and sets an agreement on pairs of them
// through the API, and returns the pairs.
func benchSetup(ctx context.Context, s *benchServer, departments, pairs int) ([][2]string, error) {
	var reqs []*http.Request
	dept := func(i int) string { return fmt.Sprintf("bench-dept-%02d", i%departments) }
	for i := range departments {
		reqs = append(reqs, s.request(http.MethodPut, "/api/v1/departments/"+dept(i), fmt.Sprintf(`{"name":"Bench department %d"}`, i)))
	}
	var out [][2]string
	for i := range pairs {
		p := [2]string{dept(i), dept(i + 1 + i/departments)}
		out = append(out, p)
		reqs = append(reqs, s.request(http.MethodPut, "/api/v1/agreements/"+p[0]+"/"+p[1], `{"resolve_within":"72h","respond_within":"4h"}`))
	}
	// Departments first: an agreement needs both of its departments.
	for _, part := range [][]*http.Request{reqs[:departments], reqs[departments:]} {
		res := loadgen.Run(ctx, loadgen.NewClient(8), loadgen.Options{Connections: 8}, func(conn, i int) (*http.Request, bool) {
			k := i*8 + conn
			if k >= len(part) {
				return nil, false
			}
			return part[k], true
		})
		if res.Failures > 0 {
			return nil, fmt.Errorf("setting up the organisation: %w", res.FirstFailure)
		}
	}
	return out, nil
}

// request returns an authenticated request to the server with a JSON body
// (none when body is "").
func (s *benchServer) request(method, path, body string) *http.Request {
	var req *http.Request
	if body == "" {
		req, _ = http.NewRequest(method, s.base+path, nil)
	} else {
		req, _ = http.NewRequest(method, s.base+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	return req
}

// raw returns where loadgen.RunRaw sends the server's authenticated JSON
// requests.
func (s *benchServer) raw() loadgen.Raw {
	return loadgen.Raw{Addr: strings.TrimPrefix(s.base, "http://"),
		Header: "Authorization: Bearer " + s.token + "\r\nContent-Type: application/json\r\n"}
}

// appendID appends the ID of the i-th hand-off connection conn requested
// in benchIngest with prefix.
func appendID(dst []byte, prefix string, conn, i int) []byte {
	dst = append(dst, prefix...)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(conn), 10)
	dst = append(dst, '-')
	return strconv.AppendInt(dst, int64(i), 10)
}

// benchIngest requests new hand-offs with unique IDs over cfg.connections
// for cfg.duration; it returns the row and, per connection, how many
// hand-offs it requested (the i-th ID of connection conn is
// appendID(prefix, conn, i)).
func benchIngest(ctx context.Context, s *benchServer, cfg benchConfig, pairs [][2]string, prefix, name string) (benchRow, []int) {
	counts := make([]int, cfg.connections)
	cpu := startCPU(s)
	res := loadgen.RunRaw(ctx, s.raw(), loadgen.Options{Connections: cfg.connections, Duration: cfg.duration},
		func(req *loadgen.Request, conn, i int) bool {
			p := pairs[(conn*7919+i)%len(pairs)]
			counts[conn] = i + 1
			req.Method = http.MethodPost
			req.Target = append(req.Target, "/api/v1/handoffs"...)
			b := append(req.Body, `{"id":"`...)
			b = appendID(b, prefix, conn, i)
			b = append(b, `","supplier":"`...)
			b = append(b, p[0]...)
			b = append(b, `","customer":"`...)
			b = append(b, p[1]...)
			b = append(b, `","kind":"bench-request","title":"Bench hand-off `...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, ` of connection `...)
			b = strconv.AppendInt(b, int64(conn), 10)
			req.Body = append(b, `"}`...)
			return true
		})
	return httpRow(name, cfg, res, cpu), counts
}

// benchLifecycle accepts, delivers and rates the hand-offs benchIngest
// requested with prefix (counts per connection), each connection its own
// in turn, for cfg.duration.
func benchLifecycle(ctx context.Context, s *benchServer, cfg benchConfig, prefix string, counts []int) benchRow {
	steps := []struct{ route, body string }{{"/accept", `{}`}, {"/deliver", `{"note":"done"}`}, {"/rating", `{"score":4}`}}
	cpu := startCPU(s)
	res := loadgen.RunRaw(ctx, s.raw(), loadgen.Options{Connections: cfg.connections, Duration: cfg.duration},
		func(req *loadgen.Request, conn, i int) bool {
			h := i / len(steps)
			if h >= counts[conn] {
				return false
			}
			st := steps[i%len(steps)]
			req.Method = http.MethodPost
			req.Target = append(req.Target, "/api/v1/handoffs/"...)
			req.Target = appendID(req.Target, prefix, conn, h)
			req.Target = append(req.Target, st.route...)
			req.Body = append(req.Body, st.body...)
			return true
		})
	return httpRow("lifecycle: accept, deliver, rate", cfg, res, cpu)
}

// httpRow makes the row of a load generator run.
func httpRow(name string, cfg benchConfig, res loadgen.Result, cpu cpuMeter) benchRow {
	server, client := cpu.perOp(res.Requests)
	row := benchRow{Section: "http", Name: fmt.Sprintf("%s, %d connections", name, cfg.connections), Unit: "requests",
		Ops: res.Requests, Failures: res.Failures, Seconds: res.Elapsed.Seconds(), PerSecond: res.PerSecond(),
		P50Ms: ms(res.Quantile(0.5)), P99Ms: ms(res.Quantile(0.99)), ServerCPUUs: server, ClientCPUUs: client}
	if res.FirstFailure != nil {
		row.Note = "first failure: " + oneLine(res.FirstFailure)
	}
	return row
}

// latencyRow measures GET path with conns concurrent clients, up to
// cfg.requests requests and cfg.duration.
func latencyRow(ctx context.Context, s *benchServer, cfg benchConfig, section, name, path string, conns int) benchRow {
	return latencyRowOf(ctx, s, cfg, section, name, conns, func() *http.Request { return s.request(http.MethodGet, path, "") })
}

// latencyRowOf measures the requests req makes with conns concurrent
// clients, up to cfg.requests requests and cfg.duration.
func latencyRowOf(ctx context.Context, s *benchServer, cfg benchConfig, section, name string, conns int, req func() *http.Request) benchRow {
	cpu := startCPU(s)
	res := loadgen.Run(ctx, loadgen.NewClient(conns), loadgen.Options{Connections: conns, Duration: cfg.duration, MaxRequests: cfg.requests},
		func(conn, i int) (*http.Request, bool) { return req(), true })
	row := httpRow(name, benchConfig{connections: conns}, res, cpu)
	row.Section = section
	if conns == 1 {
		row.Name = name + ", 1 client"
	} else {
		row.Name = fmt.Sprintf("%s, %d concurrent", name, conns)
	}
	return row
}
