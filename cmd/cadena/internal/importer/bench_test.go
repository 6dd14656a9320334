package importer_test

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// benchmarkGenerated imports a generated log end to end (read, map,
// append, durable) into a fresh bolt store per iteration, streamed as
// cadena import does.
func benchmarkGenerated(b *testing.B, events, groups int) {
	var buf bytes.Buffer
	importer.GenerateLog(&buf, events, groups, 1)
	b.SetBytes(int64(buf.Len()))
	var commands, commits int
	var ms runtime.MemStats
	var peak uint64 // heap in use, sampled after each batch (the log itself included)
	for b.Loop() {
		store, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), bolt.Options{
			OnCommit: func(bolt.CommitStats) { commits++ }})
		require.NoError(b, err)
		sum, err := importer.ImportCSV(context.Background(), api.New(store, api.Options{}), bytes.NewReader(buf.Bytes()),
			importer.ReadOptions{}, importer.StreamOptions{Options: importer.Options{Progress: func(int, int) {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}}})
		require.NoError(b, err)
		require.NoError(b, store.Close())
		commands += sum.Commands
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(commands)/b.Elapsed().Seconds(), "commands/s")
	b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkImportGenerated is the import target: 1,000,000 events over
// 1,000 groups (run it with -benchtime 1x); Small is the same shape at a
// tenth of the size.
func BenchmarkImportGenerated(b *testing.B) {
	b.Run("1M", func(b *testing.B) { benchmarkGenerated(b, 1_000_000, 1000) })
	b.Run("100k", func(b *testing.B) { benchmarkGenerated(b, 100_000, 1000) })
}
