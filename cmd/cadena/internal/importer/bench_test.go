package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// generateLog writes a CSV log of events events over groups groups: cases
// of about ten events, each event staying in the case's group or, half the
// time, moving to another one; cases start one after the other over a
// year, so the file is in neither case nor time order.
func generateLog(w io.Writer, events, groups int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed+1))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "case:concept:name,concept:name,org:group,time:timestamp")
	type open struct {
		id    int
		group int
		at    time.Time
		left  int
	}
	var cases []open
	next := 0
	for n := 0; n < events; n++ {
		if len(cases) < 100 || r.IntN(10) == 0 {
			next++
			cases = append(cases, open{id: next, group: r.IntN(groups),
				at: start.Add(time.Duration(n) * 30 * time.Second), left: 5 + r.IntN(11)})
		}
		k := r.IntN(len(cases))
		c := &cases[k]
		if r.IntN(2) == 0 {
			c.group = r.IntN(groups)
		}
		c.at = c.at.Add(time.Duration(1+r.IntN(240)) * time.Minute)
		fmt.Fprintf(w, "case-%d,activity %d,Group %d,%s\n", c.id, r.IntN(20), c.group, c.at.Format("2006-01-02 15:04:05.000000Z07:00"))
		if c.left--; c.left == 0 {
			cases[k] = cases[len(cases)-1]
			cases = cases[:len(cases)-1]
		}
	}
}

// benchmarkGenerated imports a generated log end to end (read, map,
// append, durable) into a fresh bolt store per iteration.
func benchmarkGenerated(b *testing.B, events, groups int) {
	var buf bytes.Buffer
	generateLog(&buf, events, groups, 1)
	b.SetBytes(int64(buf.Len()))
	var commands, commits int
	for b.Loop() {
		store, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), bolt.Options{
			OnCommit: func(bolt.CommitStats) { commits++ }})
		require.NoError(b, err)
		log, err := importer.ReadCSV(bytes.NewReader(buf.Bytes()), importer.ReadOptions{})
		require.NoError(b, err)
		p, err := importer.NewPlan(log, importer.PlanOptions{})
		require.NoError(b, err)
		sum, err := importer.Run(context.Background(), api.New(store, api.Options{}), p, importer.Options{})
		require.NoError(b, err)
		require.NoError(b, store.Close())
		commands += sum.Commands
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(commands)/b.Elapsed().Seconds(), "commands/s")
	b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
}

// BenchmarkImportGenerated is the import target: 1,000,000 events over
// 1,000 groups (run it with -benchtime 1x); Small is the same shape at a
// tenth of the size.
func BenchmarkImportGenerated(b *testing.B) {
	b.Run("1M", func(b *testing.B) { benchmarkGenerated(b, 1_000_000, 1000) })
	b.Run("100k", func(b *testing.B) { benchmarkGenerated(b, 100_000, 1000) })
}
