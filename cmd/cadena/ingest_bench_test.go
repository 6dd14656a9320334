package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
)

// ingestClients is the number of keep-alive connections the ingest
// benchmarks drive the server with (issue #14's figure).
const ingestClients = 64

// BenchmarkHTTPIngest drives the real server (embedded bolt store in a temp
// directory, log level info written to a file, as "cadena serve" runs) on
// 127.0.0.1 with 64 keep-alive clients:
//
//   - new-handoffs: POST /api/v1/handoffs, a new hand-off with a unique id
//     per request, on a pair with an agreement;
//   - lifecycle: accept, deliver and rating on hand-offs created before the
//     timer starts, each hand-off's three commands in order by one client.
//   - floor: the same client pool against a bare net/http handler that
//     answers 201 with a small JSON body: what the client and net/http
//     cost by themselves.
//
// It reports requests/s, p50 and p99 latency and the CPU of the whole
// process per request (user + system, from getrusage): the clients run in
// the same process, so their share is included; the floor sub-benchmark
// measures that share. Run it with a fixed count, for example
// -benchtime=30000x.
func BenchmarkHTTPIngest(b *testing.B) {
	b.Run("new-handoffs", func(b *testing.B) {
		srv, toks := startIngestServer(b)
		run := newLoad(b)
		var seq atomic.Uint64
		prefix := fmt.Sprintf("bench-%d-", time.Now().UnixNano())
		run.drive(b, b.N, func(c *http.Client, _ int) error {
			id := prefix + fmt.Sprint(seq.Add(1))
			body := `{"id":"` + id + `","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop for the new hire"}`
			return benchPost(c, srv.Base+"/api/v1/handoffs", toks.Sales, body, http.StatusCreated)
		})
	})
	b.Run("lifecycle", func(b *testing.B) {
		srv, toks := startIngestServer(b)
		run := newLoad(b)
		n := (b.N + 2) / 3
		prefix := fmt.Sprintf("life-%d-", time.Now().UnixNano())
		b.StopTimer()
		run.report = false
		run.drive(b, n, func(c *http.Client, i int) error {
			body := `{"id":"` + prefix + fmt.Sprint(i) + `","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop"}`
			return benchPost(c, srv.Base+"/api/v1/handoffs", toks.Sales, body, http.StatusCreated)
		})
		b.StartTimer()
		run.report = true
		steps := []struct{ route, token, body string }{
			{"accept", toks.IT, `{}`},
			{"deliver", toks.IT, `{"note":"on your desk"}`},
			{"rating", toks.Sales, `{"score":4,"comment":"quick"}`},
		}
		// Request i is step i%3 of hand-off i/3: the same client sends a
		// hand-off's three steps in order.
		run.driveGroups(b, n, len(steps), func(c *http.Client, i, step int) error {
			st := steps[step]
			return benchPost(c, srv.Base+"/api/v1/handoffs/"+prefix+fmt.Sprint(i)+"/"+st.route, st.token, st.body, http.StatusOK)
		})
	})
	b.Run("floor", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(b, err)
		answer := []byte(`{"id":"x","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop","state":"requested","version":1}`)
		hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(answer)
		})}
		go func() { _ = hs.Serve(ln) }()
		b.Cleanup(func() { _ = hs.Close() })
		base := "http://" + ln.Addr().String()
		run := newLoad(b)
		run.drive(b, b.N, func(c *http.Client, _ int) error {
			return benchPost(c, base+"/api/v1/handoffs", "t", `{"id":"x","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop"}`, http.StatusCreated)
		})
	})
}

// startIngestServer starts the server with the end-to-end organisation:
// it, sales and legal, and an agreement from it to sales for laptops.
func startIngestServer(b *testing.B) (*testkit.Server, e2eTokens) {
	b.Helper()
	b.StopTimer()
	defer b.StartTimer()
	dir := b.TempDir()
	toks := writeTokensFile(b, filepath.Join(dir, "tokens.json"))
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	require.NoError(b, err)
	b.Cleanup(func() { _ = logFile.Close() })
	cfg := e2eConfig(dir)
	cfg.logLevel = "info" // the default of "cadena serve": one line per request
	srv := testkit.Start(b, func(ctx context.Context, _ io.Writer, ready func(string)) error {
		return serve(ctx, cfg, io.Discard, logFile, ready)
	})
	c := http.DefaultClient
	for _, d := range []string{"it", "sales", "legal"} {
		require.NoError(b, benchPut(c, srv.Base+"/api/v1/departments/"+d, toks.Admin, `{"name":"`+d+` department"}`, http.StatusCreated))
	}
	require.NoError(b, benchPut(c, srv.Base+"/api/v1/agreements/it/sales", toks.ITHead,
		`{"kind":"laptop","resolve_within":"72h","respond_within":14400}`, http.StatusOK))
	return srv, toks
}

// load is a pool of keep-alive clients.
type load struct {
	clients []*http.Client
	report  bool // report the figures of the next drive
}

func newLoad(b *testing.B) *load {
	tr := &http.Transport{MaxIdleConnsPerHost: ingestClients, MaxConnsPerHost: ingestClients, IdleConnTimeout: time.Minute}
	b.Cleanup(tr.CloseIdleConnections)
	l := &load{report: true}
	for range ingestClients {
		l.clients = append(l.clients, &http.Client{Transport: tr, Timeout: 30 * time.Second})
	}
	return l
}

// drive sends n requests, each made by send(client, i), from all clients
// at once, and reports the figures unless l.report is false.
func (l *load) drive(b *testing.B, n int, send func(c *http.Client, i int) error) {
	l.driveGroups(b, n, 1, func(c *http.Client, i, _ int) error { return send(c, i) })
}

// driveGroups sends groups of steps requests: group i's steps are sent in
// order by one client. Figures count requests, not groups.
func (l *load) driveGroups(b *testing.B, groups, steps int, send func(c *http.Client, i, step int) error) {
	b.Helper()
	var (
		next   atomic.Int64
		mu     sync.Mutex
		lat    []time.Duration
		failed error
		wg     sync.WaitGroup
	)
	before := cpuTime()
	start := time.Now()
	for _, c := range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, groups*steps/len(l.clients)+steps)
			for {
				i := int(next.Add(1) - 1)
				if i >= groups {
					break
				}
				for step := range steps {
					t0 := time.Now()
					if err := send(c, i, step); err != nil {
						mu.Lock()
						failed = err
						mu.Unlock()
						next.Store(int64(groups))
						break
					}
					mine = append(mine, time.Since(t0))
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - before
	require.NoError(b, failed)
	if !l.report || len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	reqs := float64(len(lat))
	b.ReportMetric(reqs/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/reqs, "cpu-µs/req")
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchPost(c *http.Client, url, token, body string, want int) error {
	return benchSend(c, http.MethodPost, url, token, body, want)
}

func benchPut(c *http.Client, url, token, body string, want int) error {
	return benchSend(c, http.MethodPut, url, token, body, want)
}

// benchSend sends one JSON request and drains the answer.
func benchSend(c *http.Client, method, url, token, body string, want int) error {
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, url, resp.StatusCode, want, got)
	}
	return nil
}
