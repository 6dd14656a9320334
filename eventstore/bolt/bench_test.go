package bolt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
