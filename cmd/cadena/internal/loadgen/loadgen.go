// Package loadgen sends HTTP requests from a fixed pool of keep-alive
// connections, each connection sending its next request as soon as the
// previous one is answered (a closed loop, as wrk does), and reports the
// throughput and the latency distribution. cadena bench uses it against a
// server on loopback.
//
// # Caveats
//
// Latencies are measured from just before a request is written to the end
// of its body: a closed loop does not see the queueing delay an open-loop
// client at a fixed rate would (coordinated omission), so p99 is a lower
// bound of what clients arriving at random would see at the same
// throughput.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Next returns the request connection conn sends as its i-th (from 0), or
// ok false when that connection has no more to send.
type Next func(conn, i int) (req *http.Request, ok bool)

// Options shape a run.
type Options struct {
	// Connections is the number of connections, each with one request in
	// flight; default 1.
	Connections int
	// Duration bounds the run: no request starts after it, and those in
	// flight are waited for. 0 runs until every connection's Next says no
	// more (or MaxRequests).
	Duration time.Duration
	// MaxRequests, when positive, bounds the requests sent over all
	// connections.
	MaxRequests int
	// OK tells whether a response status counts as a success; default
	// 2xx.
	OK func(status int) bool
}

// Result is what a run measured. Latencies cover the successful requests.
type Result struct {
	Requests  int // answered, successes and failures
	Failures  int
	Elapsed   time.Duration
	Latencies []time.Duration // sorted
	// FirstFailure describes the first failure: a status and the start of
	// its body, or a transport error.
	FirstFailure error
}

// PerSecond returns the successful requests per second.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Failures) / r.Elapsed.Seconds()
}

// Quantile returns the q-quantile (0 to 1) of the latencies, 0 when there
// are none.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q * float64(len(r.Latencies)))
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// ErrStatus is returned, wrapped, in Result.FirstFailure for a status OK
// refused.
var ErrStatus = errors.New("loadgen: unexpected status")

// NewClient returns a client that keeps up to conns connections to one
// host open between requests and never compresses.
func NewClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}}
}

// Run sends the requests next gives over o.Connections connections of
// client until each connection has no more, o.Duration has passed,
// o.MaxRequests were sent or ctx ends, and returns what it measured.
func Run(ctx context.Context, client *http.Client, o Options, next Next) Result {
	conns := max(1, o.Connections)
	ok := o.OK
	if ok == nil {
		ok = func(s int) bool { return s >= 200 && s < 300 }
	}
	var (
		sent     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      Result
		perConn  = make([][]time.Duration, conns)
		failures = make([]int, conns)
		answered = make([]int, conns)
	)
	fail := func(err error) {
		mu.Lock()
		if res.FirstFailure == nil {
			res.FirstFailure = err
		}
		mu.Unlock()
	}
	start := time.Now()
	deadline := start.Add(o.Duration)
	for c := range conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1024)
			for i := 0; ctx.Err() == nil; i++ {
				if o.Duration > 0 && !time.Now().Before(deadline) {
					break
				}
				if o.MaxRequests > 0 && sent.Add(1) > int64(o.MaxRequests) {
					break
				}
				req, more := next(c, i)
				if !more {
					break
				}
				t0 := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() != nil {
						break // ctx ended with this request in flight: not counted
					}
					answered[c]++
					failures[c]++
					fail(err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					break
				}
				answered[c]++
				switch {
				case err != nil:
					failures[c]++
					fail(err)
				case !ok(resp.StatusCode):
					failures[c]++
					fail(fmt.Errorf("%w %d for %s %s: %.200s", ErrStatus, resp.StatusCode, req.Method, req.URL.Path, body))
				default:
					lat = append(lat, d)
				}
			}
			perConn[c] = lat
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	for c := range conns {
		res.Requests += answered[c]
		res.Failures += failures[c]
		res.Latencies = append(res.Latencies, perConn[c]...)
	}
	slices.Sort(res.Latencies)
	return res
}
