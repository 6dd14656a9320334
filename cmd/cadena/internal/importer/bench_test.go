package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// benchmarkGenerated imports a generated log end to end (read, map,
// append, durable) into a fresh bolt store per iteration, streamed and
// with the bulk settings and the collector's setting, as cadena import
// --data does.
func benchmarkGenerated(b *testing.B, events, groups int) {
	// The collector as cadena import sets it (--gc-percent's default),
	// unless GOGC says otherwise.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	var buf bytes.Buffer
	importer.GenerateLog(&buf, events, groups, 1)
	b.SetBytes(int64(buf.Len()))
	var commands, commits int
	var closeTime time.Duration
	var ms runtime.MemStats
	var peak uint64 // heap in use, sampled after each batch (the log itself included)
	cpu0 := cpuTime(b)
	for b.Loop() {
		store, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), importer.BulkStore(bolt.Options{
			OnCommit: func(bolt.CommitStats) { commits++ }}))
		require.NoError(b, err)
		sum, err := importer.ImportCSV(context.Background(), api.New(store, importer.BulkService(api.Options{})), bytes.NewReader(buf.Bytes()),
			importer.ReadOptions{}, importer.StreamOptions{Options: importer.Options{Batch: importer.BulkBatch, Progress: func(int, int) {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}}})
		require.NoError(b, err)
		closing := time.Now()
		require.NoError(b, store.Close()) // the event IDs and stream heads kept in memory go to their buckets
		closeTime += time.Since(closing)
		commands += sum.Commands
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(commands)/b.Elapsed().Seconds(), "commands/s")
	b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(closeTime.Seconds()/float64(b.N), "close-s")
	// CPU time of the process (every goroutine), which a loaded machine
	// disturbs less than the wall clock, and how many cores it kept busy.
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(cpu.Microseconds())/float64(events)/float64(b.N), "cpu-µs/event")
	b.ReportMetric(cpu.Seconds()/b.Elapsed().Seconds(), "cores")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkImportGenerated is the import target: 1,000,000 events over
// 1,000 groups (run it with -benchtime 1x; skipped under -short); 100k
// and 400k are the same shape, smaller.
func BenchmarkImportGenerated(b *testing.B) {
	for _, n := range []int{1_000_000, 100_000, 400_000} {
		b.Run(sizeName(n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M events: without -short")
			}
			benchmarkGenerated(b, n, 1000)
		})
	}
}

func sizeName(n int) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// BenchmarkImportMemory reports the live heap's high-water mark of an
// import into the embedded store with the bulk settings, end to end (a
// collection after each batch; the log is read from a file, so it is not
// on the heap), for 100k, 400k and 1M generated events (1M skipped under
// -short): it follows the open cases and the batches in flight, not the
// file, up to the event IDs the store keeps in memory
// (BulkRecentIDs, about 70 bytes each).
func BenchmarkImportMemory(b *testing.B) {
	for _, n := range []int{100_000, 400_000, 1_000_000} {
		b.Run(sizeName(n), func(b *testing.B) {
			if n >= 1_000_000 && testing.Short() {
				b.Skip("1M events: without -short")
			}
			path := generatedFile(b, n, 1000, 1)
			var peak uint64
			var ms runtime.MemStats
			for b.Loop() {
				f, err := os.Open(path)
				require.NoError(b, err)
				store, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), importer.BulkStore(bolt.Options{}))
				require.NoError(b, err)
				runtime.GC()
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				_, err = importer.ImportCSV(context.Background(), api.New(store, importer.BulkService(api.Options{})), f,
					importer.ReadOptions{}, importer.StreamOptions{Options: importer.Options{Batch: importer.BulkBatch, Progress: func(int, int) {
						runtime.GC() // the live heap, not the garbage the collector lets pile up
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base {
							peak = max(peak, ms.HeapAlloc-base)
						}
					}}})
				require.NoError(b, err)
				require.NoError(b, store.Close())
				require.NoError(b, f.Close())
			}
			b.ReportMetric(float64(peak)/(1<<20), "live-heap-MiB")
		})
	}
}
