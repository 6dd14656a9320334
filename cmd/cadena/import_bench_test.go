package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// BenchmarkImportServer imports a generated log end to end (read, map,
// send over HTTP to a real server on 127.0.0.1, durable) into a fresh
// server per iteration. The target is 1M (run it with -benchtime 1x).
// cpu-s/op is the process's CPU (user and system) during the import:
// client and server, which share the process, and the server's
// projections catching up meanwhile.
func BenchmarkImportServer(b *testing.B) {
	for _, bb := range []struct {
		name           string
		events, groups int
	}{{"1M", 1_000_000, 1000}, {"100k", 100_000, 1000}} {
		b.Run(bb.name, func(b *testing.B) {
			var buf bytes.Buffer
			importer.GenerateLog(&buf, bb.events, bb.groups, 1)
			b.SetBytes(int64(buf.Len()))
			var commands int
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				toks := writeTokensFile(b, filepath.Join(dir, "tokens.json"))
				srv := startServer(b, e2eConfig(dir))
				b.StartTimer()
				cpu0 := cpuTime()
				client, err := importer.NewServer(srv.base, toks.Admin)
				require.NoError(b, err)
				sum, err := importer.ImportCSV(context.Background(), client, bytes.NewReader(buf.Bytes()),
					importer.ReadOptions{}, importer.StreamOptions{})
				require.NoError(b, err)
				commands += sum.Commands
				cpu += cpuTime() - cpu0
				b.StopTimer()
				srv.stop(b)
				b.StartTimer()
			}
			b.ReportMetric(float64(bb.events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(commands)/b.Elapsed().Seconds(), "commands/s")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
