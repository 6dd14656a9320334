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
	ok := okOf(o)
	return drive(ctx, o, func(c int) (func(i int) outcome, func()) {
		return func(i int) outcome {
			req, more := next(c, i)
			if !more {
				return outcome{stop: true}
			}
			t0 := time.Now()
			resp, err := client.Do(req.WithContext(ctx))
			if err != nil {
				return outcome{stop: ctx.Err() != nil, err: err}
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			out := outcome{d: time.Since(t0)}
			switch {
			case err != nil:
				out.stop, out.err = ctx.Err() != nil, err
			case !ok(resp.StatusCode):
				out.err = fmt.Errorf("%w %d for %s %s: %.200s", ErrStatus, resp.StatusCode, req.Method, req.URL.Path, body)
			}
			return out
		}, func() {}
	})
}

// okOf returns o.OK or its default.
func okOf(o Options) func(int) bool {
	if o.OK != nil {
		return o.OK
	}
	return func(s int) bool { return s >= 200 && s < 300 }
}

// outcome is what one request of a connection loop came to: stop ends the
// loop without counting it (no more requests, or ctx ended with it in
// flight); otherwise it is answered, a failure when err is set and a
// success taking d when not.
type outcome struct {
	stop bool
	d    time.Duration
	err  error
}

// drive runs o.Connections connection loops, each with the send and done
// functions open returns for it, within o's bounds, and adds up what they
// measured.
func drive(ctx context.Context, o Options, open func(c int) (send func(i int) outcome, done func())) Result {
	conns := max(1, o.Connections)
	var (
		sent     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      Result
		perConn  = make([][]time.Duration, conns)
		failures = make([]int, conns)
		answered = make([]int, conns)
	)
	start := time.Now()
	deadline := start.Add(o.Duration)
	for c := range conns {
		wg.Go(func() {
			send, done := open(c)
			defer done()
			lat := make([]time.Duration, 0, 1024)
			for i := 0; ctx.Err() == nil; i++ {
				if o.Duration > 0 && !time.Now().Before(deadline) {
					break
				}
				if o.MaxRequests > 0 && sent.Add(1) > int64(o.MaxRequests) {
					break
				}
				out := send(i)
				if out.stop {
					break
				}
				answered[c]++
				if out.err != nil {
					failures[c]++
					mu.Lock()
					if res.FirstFailure == nil {
						res.FirstFailure = out.err
					}
					mu.Unlock()
					continue
				}
				lat = append(lat, out.d)
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
