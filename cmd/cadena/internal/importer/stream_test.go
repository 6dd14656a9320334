package importer_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
)

// recorder is importer.Commands that answers every command as done and
// keeps one line per command, in the order received.
type recorder struct {
	lines []string
	keep  bool
	n     uint64
}

func (r *recorder) Department(context.Context, string) (domain.Department, error) {
	return domain.Department{}, domain.ErrNotFound
}

func (r *recorder) Batch(_ context.Context, _ api.Actor, cmds []api.Command) ([]api.CommandResult, error) {
	out := make([]api.CommandResult, len(cmds))
	for i, c := range cmds {
		r.n++
		out[i] = api.CommandResult{Position: r.n}
		if !r.keep {
			continue
		}
		var line string
		switch {
		case c.Department != nil:
			line = fmt.Sprintf("department %s %q %s", c.Department.ID, c.Department.Name, c.Department.At)
		case c.Agreement != nil:
			line = fmt.Sprintf("agreement %s<-%s %s %s", c.Agreement.Supplier, c.Agreement.Customer, c.Agreement.ResolveWithin, c.Agreement.At)
		case c.Request != nil:
			q := c.Request
			line = fmt.Sprintf("request %s %s<-%s %s %q %s", q.ID, q.Supplier, q.Customer, q.Kind, q.Title, q.At)
		default:
			line = fmt.Sprintf("%s %s %q %s", c.Handoff.Name, c.HandoffID, c.Handoff.Reason, c.Handoff.At)
		}
		r.lines = append(r.lines, c.Meta.IdempotencyKey+" "+line)
	}
	return out, nil
}

// inMemory imports data, a log in format f, as NewPlan and Run do.
func inMemory(t *testing.T, f importer.Format, ro importer.ReadOptions, data []byte, po importer.PlanOptions, opts importer.Options) ([]string, importer.Summary) {
	read := importer.ReadCSV
	if f == importer.XES {
		read = importer.ReadXES
	}
	log, err := read(bytes.NewReader(data), ro)
	require.NoError(t, err, "reading in memory")
	p, err := importer.NewPlan(log, po)
	require.NoError(t, err, "NewPlan")
	rec := &recorder{keep: true}
	sum, err := importer.Run(context.Background(), rec, p, opts)
	require.NoError(t, err, "Run")
	return rec.lines, sum
}

// TestImportCSVMatchesRun checks that the streaming import issues the
// same commands, in the same order, as the in-memory plan, whether the
// whole log fits in the window or the log is streamed through a small one
// and cases end at a horizon.
func TestImportCSVMatchesRun(t *testing.T) {
	var gen bytes.Buffer
	importer.GenerateLog(&gen, 20_000, 50, 7)
	for _, tc := range []struct {
		name  string
		data  []byte
		po    importer.PlanOptions
		opts  importer.Options
		so    importer.StreamOptions
		agree bool // agreements are dated as in memory (their pairs' first requests come soon enough)
	}{
		{name: "sample in the window", data: []byte(sampleCSV), po: importer.PlanOptions{Kind: "permit"},
			opts: importer.Options{ResolveWithin: 4 * time.Hour}, agree: true},
		{name: "sample open at end", data: []byte(sampleCSV), po: importer.PlanOptions{OpenAtEnd: true}},
		{name: "generated in the window", data: gen.Bytes(),
			opts: importer.Options{ResolveWithin: time.Hour}},
		{name: "generated streamed", data: gen.Bytes(), so: importer.StreamOptions{Window: 3000, Horizon: 24 * time.Hour}},
		{name: "generated streamed in small batches", data: gen.Bytes(), opts: importer.Options{Batch: 777},
			so: importer.StreamOptions{Window: 3000, Horizon: 24 * time.Hour}},
		// c1 is idle past the horizon, but its next row is in the window
		// already: it is one case, and the other open cases stay open.
		{name: "a case idle past the horizon with its next row held", data: []byte(`case:concept:name,concept:name,org:group,time:timestamp
c1,a,G1,2024-01-01 10:00:00
c2,a,G1,2024-01-01 10:30:00
c2,b,G2,2024-01-01 11:00:00
c1,b,G2,2024-01-01 12:00:00
`), so: importer.StreamOptions{Horizon: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStreamMatches(t, importer.CSV, importer.ReadOptions{}, tc.data, tc.po, tc.opts, tc.so, tc.agree)
		})
	}
}

// checkStreamMatches imports data, a log in format f, streamed (Import)
// and in memory (NewPlan and Run), and checks that both issue the same
// commands in the same order, with the same summary; agree says that the
// agreements are dated as in memory.
func checkStreamMatches(t *testing.T, f importer.Format, ro importer.ReadOptions, data []byte, po importer.PlanOptions, opts importer.Options, tso importer.StreamOptions, agree bool) {
	t.Helper()
	want, wantSum := inMemory(t, f, ro, data, po, opts)
	so := tso
	so.PlanOptions, so.Options = po, opts
	var stats importer.StreamStats
	so.Stats = func(s importer.StreamStats) { stats = s }
	rec := &recorder{keep: true}
	sum, err := importer.Import(context.Background(), rec, f, bytes.NewReader(data), ro, so)
	require.NoError(t, err, "Import")
	require.Equal(t, len(want), len(rec.lines), "commands issued")
	// Agreements go out just before their pair's first request,
	// all else in the same order.
	others := func(lines []string) (rest, agreements []string) {
		for _, l := range lines {
			if strings.HasPrefix(l, "import/agreement/") {
				agreements = append(agreements, l)
			} else {
				rest = append(rest, l)
			}
		}
		return rest, agreements
	}
	wantRest, wantAgreements := others(want)
	gotRest, gotAgreements := others(rec.lines)
	assert.Equal(t, firstDiff(wantRest, gotRest), "", "commands and their order")
	if agree {
		assert.ElementsMatch(t, wantAgreements, gotAgreements, "agreements, dated as in memory")
	}
	keys := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i], _, _ = strings.Cut(l, " ")
		}
		return out
	}
	assert.ElementsMatch(t, keys(wantAgreements), keys(gotAgreements), "agreements")
	wantSum.Elapsed, sum.Elapsed = 0, 0
	assert.Equal(t, wantSum, sum, "summary")
	if limit := tso.Window + 1; tso.Window > 0 {
		if f == importer.XES {
			limit = tso.Window + 15 // a whole trace goes in at once: GenerateXES's are at most 15 events long
		}
		assert.LessOrEqual(t, stats.Events, limit, "events held")
	}
}

// firstDiff describes the first line where got differs from want, "" when
// none does.
func firstDiff(want, got []string) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("line %d: want %s, got %s", i, want[i], got[i])
		}
	}
	if len(want) != len(got) {
		return fmt.Sprintf("%d lines, want %d", len(got), len(want))
	}
	return ""
}

func TestImportCSVRefusesALogOutOfTimeOrder(t *testing.T) {
	// Case-grouped: c2 starts before c1 ends, two events later.
	log := `case:concept:name,concept:name,org:group,time:timestamp
c1,a,G1,2024-01-01 10:00:00
c1,b,G2,2024-01-01 12:00:00
c1,c,G1,2024-01-01 13:00:00
c1,d,G2,2024-01-01 14:00:00
c2,a,G1,2024-01-01 11:00:00
`
	_, err := importer.ImportCSV(context.Background(), &recorder{}, strings.NewReader(log), importer.ReadOptions{},
		importer.StreamOptions{Window: 2})
	require.ErrorIs(t, err, importer.ErrUnsorted, "a log out of order by more than the window")
	assert.EqualError(t, err, `line 6 (case "c2"): log out of time order: the event at 2024-01-01T11:00:00Z is older than one at 2024-01-01T12:00:00Z already planned, more than 2 events before it; sort the log by time`)

	_, err = importer.ImportCSV(context.Background(), &recorder{}, strings.NewReader(log), importer.ReadOptions{},
		importer.StreamOptions{Window: 3})
	assert.NoError(t, err, "the same log within a window of 3")
}

// TestImportCSVMemoryIsBoundedByOpenCases streams generated logs of
// growing size with the same number of open cases at a time: what the
// planner holds at most, and the heap's high-water mark, stay the same.
func TestImportCSVMemoryIsBoundedByOpenCases(t *testing.T) {
	checkMemoryIsBounded(t, importer.CSV)
}

// checkMemoryIsBounded streams generated logs in format f of 50,000 and
// 400,000 events and compares what was held at most.
func checkMemoryIsBounded(t *testing.T, f importer.Format) {
	if testing.Short() {
		t.Skip("imports 400,000 events")
	}
	// The reader plans on while a sample is taken, and the garbage it makes
	// between the collection and the reading of the heap counts: a busy
	// machine can only add to a sample, so the lower of two runs is kept.
	lower := func(events int) peak {
		a, b := streamedPeak(t, f, events), streamedPeak(t, f, events)
		if b.heap < a.heap {
			return b
		}
		return a
	}
	small := lower(50_000)
	large := lower(400_000)
	t.Logf("50k events: %+v, heap %d KiB; 400k events: %+v, heap %d KiB", small.StreamStats, small.heap>>10, large.StreamStats, large.heap>>10)
	assert.Less(t, float64(large.Cases), 1.25*float64(small.Cases), "open cases held")
	assert.Less(t, float64(large.Commands), 1.25*float64(small.Commands), "commands held")
	// Eight times the file: a heap that followed it would be several times
	// the small one's; twice leaves room for a small sample that a collector
	// caught at its lowest.
	assert.Less(t, float64(large.heap), 2*float64(small.heap), "heap high-water mark, eight times the file")
}

type peak struct {
	importer.StreamStats
	heap uint64
}

// streamedPeak imports a generated log of events events in format
// format through a small window and reports the live heap's high-water
// mark, sampled after each batch.
func streamedPeak(t testing.TB, format importer.Format, events int) peak {
	// From a file, so the log is not on the heap.
	path := filepath.Join(t.TempDir(), "log."+format.String())
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	generate := importer.GenerateLog
	if format == importer.XES {
		generate = importer.GenerateXES
	}
	generate(w, events, 100, 3)
	require.NoError(t, w.Flush())
	_, err = f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	defer f.Close()
	runtime.GC()
	var p peak
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	so := importer.StreamOptions{Window: 20_000, Horizon: 48 * time.Hour,
		Options: importer.Options{Batch: 2000, Progress: func(int, int) {
			runtime.GC() // the live heap, not the garbage the collector lets pile up
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base {
				p.heap = max(p.heap, ms.HeapAlloc-base)
			}
		}},
		Stats: func(s importer.StreamStats) { p.StreamStats = s }}
	_, err = importer.Import(context.Background(), &recorder{}, format, f, importer.ReadOptions{}, so)
	require.NoError(t, err, "Import")
	return p
}

// BenchmarkStreamMemory reports the heap's high-water mark of a streamed
// import (the planner alone: commands are answered in memory) for logs of
// 100,000 and 400,000 events with the same open cases (at 1,000,000 the
// generated log strays from time order by more than the small window).
func BenchmarkStreamMemory(b *testing.B) { benchmarkStreamMemory(b, importer.CSV) }

func benchmarkStreamMemory(b *testing.B, f importer.Format) {
	for _, n := range []int{100_000, 400_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var p peak
			for b.Loop() {
				p = streamedPeak(b, f, n)
			}
			b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(p.Cases), "open-cases")
			b.ReportMetric(float64(p.Commands), "commands-held")
		})
	}
}

// generatedFile writes a generated log (GenerateLog) to a file of its own
// and returns its path.
func generatedFile(t testing.TB, events, groups int, seed uint64) string {
	path := filepath.Join(t.TempDir(), "log.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	importer.GenerateLog(w, events, groups, seed)
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return path
}
