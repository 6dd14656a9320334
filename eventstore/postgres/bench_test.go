package postgres_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// benchEvent returns an event with a JSON payload of about 200 bytes, as
// the bolt store's benchmarks do.
func benchEvent() eventstore.EventData {
	id := eventstore.NewID()
	return eventstore.EventData{
		ID:   id,
		Type: "bench.appended.v1",
		Data: fmt.Appendf(nil, `{"id":%q,"department":"radiology","note":%q}`, id, strings.Repeat("n", 120)),
	}
}

// BenchmarkAppend measures durable single-event appends: every append
// returns after the COMMIT that covers it (synchronous_commit as the
// server is configured; on by default).
func BenchmarkAppend(b *testing.B) {
	u := pgtest.URL(b)
	for _, writers := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			var commits, inCommit atomic.Int64
			s := mustOpen(b, u, postgres.Options{Schema: pgtest.Schema(b, u),
				OnCommit: func(c postgres.CommitStats) { commits.Add(1); inCommit.Add(int64(c.Duration)) }})
			var stream atomic.Int64
			b.SetParallelism(max(1, writers/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			start := time.Now()
			if writers == 1 {
				for range b.N {
					_, err := s.Append(context.Background(), "bench", eventstore.Any, benchEvent())
					require.NoError(b, err)
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
			b.ReportMetric(float64(b.N)/float64(max(1, commits.Load())), "events/commit")
			b.ReportMetric(float64(inCommit.Load())/float64(max(1, commits.Load()))/1e6, "ms/commit")
		})
	}
}

// BenchmarkReadAll measures reading the global log; one op is one event.
func BenchmarkReadAll(b *testing.B) {
	const logSize = 100_000
	u := pgtest.URL(b)
	s := mustOpen(b, u, postgres.Options{Schema: pgtest.Schema(b, u)})
	for i := 0; i < logSize; i += 1000 {
		evs := make([]eventstore.EventData, 1000)
		for j := range evs {
			evs[j] = benchEvent()
		}
		_, err := s.Append(context.Background(), fmt.Sprintf("bench-%d", i%1000), eventstore.Any, evs...)
		require.NoError(b, err)
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

// BenchmarkAppendBatch measures a batch of 8,000 events, 4 each to 2,000
// new streams, as an import sends it: through the store's AppendBatch
// ("batch") and through one Append after the other ("appends", the
// fallback of eventstore.AppendBatch). One op is one batch.
func BenchmarkAppendBatch(b *testing.B) {
	const streams, perStream = 2000, 4
	u := pgtest.URL(b)
	s := mustOpen(b, u, postgres.Options{Schema: pgtest.Schema(b, u)})
	var round atomic.Int64 // new streams at every run of the function
	for _, mode := range []struct {
		name string
		to   eventstore.Appender
	}{{"batch", s}, {"appends", appendsOnly{s}}} {
		b.Run(mode.name, func(b *testing.B) {
			for range b.N {
				n := round.Add(1)
				b.StopTimer()
				batch := make([]eventstore.StreamAppend, streams)
				for i := range batch {
					evs := make([]eventstore.EventData, perStream)
					for j := range evs {
						evs[j] = benchEvent()
					}
					batch[i] = eventstore.StreamAppend{Stream: fmt.Sprintf("batch-%d-%d", n, i), Expected: eventstore.NoStream, Events: evs}
				}
				b.StartTimer()
				res, err := eventstore.AppendBatch(context.Background(), mode.to, batch)
				require.NoError(b, err)
				for _, r := range res {
					require.NoError(b, r.Err)
				}
			}
			b.ReportMetric(float64(b.N*streams*perStream)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// appendsOnly hides a store's AppendBatch.
type appendsOnly struct{ eventstore.Appender }
