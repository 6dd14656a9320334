package bolt_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// benchEvent returns an event with a JSON payload of about 200 bytes.
func benchEvent() eventstore.EventData {
	id := eventstore.NewID()
	return eventstore.EventData{
		ID:   id,
		Type: "bench.appended.v1",
		Data: fmt.Appendf(nil, `{"id":%q,"department":"radiology","note":%q}`, id, strings.Repeat("n", 120)),
	}
}

// BenchmarkAppend measures durable single-event appends: every append
// returns after the fsync that covers it.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			var commits atomic.Int64
			s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), bolt.Options{
				OnCommit: func(CommitStats bolt.CommitStats) { commits.Add(1) },
			})
			var stream atomic.Int64
			b.SetParallelism(max(1, writers/runtimeProcs()))
			b.ResetTimer()
			start := time.Now()
			if writers == 1 {
				for range b.N {
					if _, err := s.Append(context.Background(), "bench", eventstore.Any, benchEvent()); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					id := fmt.Sprintf("bench-%d", stream.Add(1))
					for pb.Next() {
						if _, err := s.Append(context.Background(), id, eventstore.Any, benchEvent()); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(b.N)/float64(max(1, commits.Load())), "events/fsync")
		})
	}
}

// BenchmarkAppendNewStreams measures durable single-event appends by 64
// writers where every append starts a new stream, as POST
// /api/v1/handoffs does: each commit adds a head per event. The stream IDs
// are a common prefix and a counter (as the HTTP benchmarks' hand-off IDs),
// or random (as UUIDs chosen by clients), which spreads the heads all over
// the bucket.
func BenchmarkAppendNewStreams(b *testing.B) {
	prefix := fmt.Sprintf("handoff-bench-%d-", time.Now().UnixNano())
	var seq atomic.Int64
	for _, keys := range []struct {
		name string
		id   func() string
	}{
		{"keys=counter", func() string { return prefix + fmt.Sprint(seq.Add(1)) }},
		{"keys=random", func() string { return fmt.Sprintf("handoff-%016x%016x", mrand.Uint64(), mrand.Uint64()) }},
	} {
		b.Run(keys.name, func(b *testing.B) {
			var commits []time.Duration // only the committer appends
			s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), bolt.Options{
				OnCommit: func(c bolt.CommitStats) { commits = append(commits, c.Duration) },
			})
			b.SetParallelism(max(1, 64/runtimeProcs()))
			b.ReportAllocs()
			b.ResetTimer()
			start, cpu0 := time.Now(), cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Append(context.Background(), keys.id(), eventstore.NoStream, benchEvent()); err != nil {
						b.Error(err)
						return
					}
				}
			})
			elapsed, cpu := time.Since(start), cpuTime(b)-cpu0
			b.StopTimer()
			require.NoError(b, s.Close()) // no commit after this
			slices.Sort(commits)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(b.N)/float64(max(1, len(commits))), "events/fsync")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
			if len(commits) > 0 {
				b.ReportMetric(float64(commits[len(commits)*99/100])/1e6, "ms-p99/commit")
				b.ReportMetric(float64(commits[len(commits)-1])/1e6, "ms-max/commit")
			}
		})
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadStream measures reading a short stream (three events, as a
// hand-off's) from a store of 3,000 of them: what every command costs
// before it decides. One op is one stream read.
func BenchmarkReadStream(b *testing.B) {
	const streams = 3000
	s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), bolt.Options{})
	appends := make([]eventstore.StreamAppend, streams)
	for i := range appends {
		appends[i] = eventstore.StreamAppend{Stream: fmt.Sprintf("handoff-%d", i), Expected: eventstore.NoStream,
			Events: []eventstore.EventData{benchEvent(), benchEvent(), benchEvent()}}
	}
	_, err := s.AppendBatch(context.Background(), appends)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		n := 0
		for _, err := range s.ReadStream(context.Background(), appends[i*7919%streams].Stream, 0) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 3 {
			b.Fatalf("read %d events", n)
		}
	}
}

// BenchmarkReadAll measures reading the global log; one op is one event.
func BenchmarkReadAll(b *testing.B) {
	const logSize = 100_000
	s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), bolt.Options{})
	for i := 0; i < logSize; i += 100 {
		evs := make([]eventstore.EventData, 100)
		for j := range evs {
			evs[j] = benchEvent()
		}
		if _, err := s.Append(context.Background(), fmt.Sprintf("bench-%d", i%1000), eventstore.Any, evs...); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC() // of the setup's garbage
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; {
		for _, err := range s.ReadAll(context.Background(), 0) {
			if err != nil {
				b.Fatal(err)
			}
			if n++; n == b.N {
				break
			}
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkBusyWriters measures 64 writers that each spend about
// 150 µs of CPU between two appends, as an HTTP server's handlers do
// around each append on two cores, with the committer lingering or not
// after a commit of several appends: events per fsync, throughput, and
// the 99th percentile of an append's latency.
func BenchmarkBusyWriters(b *testing.B) {
	for _, linger := range []time.Duration{0, 500 * time.Microsecond, 2 * time.Millisecond} {
		b.Run(fmt.Sprintf("linger=%s", linger), func(b *testing.B) {
			var commits atomic.Int64
			s := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"), bolt.Options{
				Linger:   linger,
				OnCommit: func(bolt.CommitStats) { commits.Add(1) },
			})
			var mu sync.Mutex
			var latencies []time.Duration
			var stream atomic.Int64
			b.SetParallelism(max(1, 64/runtimeProcs()))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				id := fmt.Sprintf("busy-%d", stream.Add(1))
				var mine []time.Duration
				for pb.Next() {
					busy(150 * time.Microsecond)
					t0 := time.Now()
					if _, err := s.Append(context.Background(), id, eventstore.Any, benchEvent()); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(latencies)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
			b.ReportMetric(float64(b.N)/float64(max(1, commits.Load())), "events/fsync")
			if len(latencies) > 0 {
				b.ReportMetric(float64(latencies[len(latencies)*99/100])/1e6, "ms-p99/append")
			}
		})
	}
}

// busy spends about d of CPU.
func busy(d time.Duration) {
	for t0 := time.Now(); time.Since(t0) < d; {
	}
}
