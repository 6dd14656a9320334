package bolt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// BenchmarkLargeStore measures durable appends by 64 writers to a
// store that already holds 0 or 1M events (written by AppendBatch, with
// IDs from eventstore.NewID), and the 50th, 99th and 99.9th percentile
// and the longest of the commits: a store's size must not slow its writers, nor
// make one commit stall the others (the ID index flush, every
// Options.RecentIDs events, is the commit to watch).
func BenchmarkLargeStore(b *testing.B) {
	for _, size := range []int{0, 1_000_000} {
		path := filepath.Join(b.TempDir(), fmt.Sprintf("large-%d.db", size))
		prefill(b, path, size)
		b.Run(fmt.Sprintf("events=%d", size), func(b *testing.B) {
			benchLargeStore(b, path)
		})
	}
}

func benchLargeStore(b *testing.B, path string) {
	var mu sync.Mutex
	var commits []time.Duration
	s, err := bolt.Open(path, bolt.Options{OnCommit: func(c bolt.CommitStats) {
		mu.Lock()
		commits = append(commits, c.Duration)
		mu.Unlock()
	}})
	require.NoError(b, err)
	defer s.Close()
	var stream atomic.Int64
	b.SetParallelism(max(1, 64/runtimeProcs()))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("large-%d-%d", time.Now().UnixNano(), stream.Add(1))
		for pb.Next() {
			if _, err := s.Append(context.Background(), id, eventstore.Any, benchEvent()); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(commits)
	pct := func(p float64) float64 {
		if len(commits) == 0 {
			return 0
		}
		return float64(commits[min(len(commits)-1, int(p*float64(len(commits))))]) / 1e6
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(b.N)/float64(max(1, len(commits))), "events/fsync")
	b.ReportMetric(pct(0.50), "ms-p50/commit")
	b.ReportMetric(pct(0.99), "ms-p99/commit")
	b.ReportMetric(pct(0.999), "ms-p99.9/commit")
	b.ReportMetric(pct(1), "ms-max/commit")
}

// prefill makes a store at path holding size events, 8 to a stream.
func prefill(b *testing.B, path string, size int) {
	s, err := bolt.Open(path, bolt.Options{})
	require.NoError(b, err)
	defer s.Close()
	const perStream, perBatch = 8, 20_000
	for done := 0; done < size; done += perBatch {
		var batch []eventstore.StreamAppend
		for i := done; i < min(size, done+perBatch); i += perStream {
			evs := make([]eventstore.EventData, min(perStream, size-i))
			for j := range evs {
				evs[j] = benchEvent()
			}
			batch = append(batch, eventstore.StreamAppend{Stream: fmt.Sprintf("fill-%d", i/perStream), Expected: eventstore.NoStream, Events: evs})
		}
		res, err := s.AppendBatch(context.Background(), batch)
		require.NoError(b, err)
		for _, r := range res {
			require.NoError(b, r.Err)
		}
	}
}
