package importer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

// TestImportXESMatchesRun checks that the streamed XES import issues the
// same commands, in the same order, as the in-memory plan: the real
// helpdesk log and a generated one in the window, and the generated one
// streamed through a window much smaller than the log.
func TestImportXESMatchesRun(t *testing.T) {
	var gen bytes.Buffer
	importer.GenerateXES(&gen, 20_000, 50, 7)
	for _, tc := range []struct {
		name  string
		data  func(t *testing.T) []byte
		ro    importer.ReadOptions
		po    importer.PlanOptions
		opts  importer.Options
		so    importer.StreamOptions
		agree bool
	}{
		{name: "sample", data: func(*testing.T) []byte { return []byte(sampleXES) }, po: importer.PlanOptions{Kind: "permit"},
			opts: importer.Options{ResolveWithin: 4 * time.Hour}, agree: true},
		{name: "sample open at end", data: func(*testing.T) []byte { return []byte(sampleXES) }, po: importer.PlanOptions{OpenAtEnd: true}},
		{name: "sample in a window of four", data: func(*testing.T) []byte { return []byte(sampleXES) },
			so: importer.StreamOptions{Window: 4, Horizon: time.Minute}},
		{name: "helpdesk", data: func(t *testing.T) []byte { return realLog(t, "helpdesk.xes.gz") },
			ro: importer.ReadOptions{Group: "workgroup"}},
		{name: "helpdesk with agreements", data: func(t *testing.T) []byte { return realLog(t, "helpdesk.xes.gz") },
			ro: importer.ReadOptions{Group: "workgroup"}, opts: importer.Options{ResolveWithin: 72 * time.Hour}},
		{name: "generated in the window", data: func(*testing.T) []byte { return gen.Bytes() }},
		{name: "generated streamed", data: func(*testing.T) []byte { return gen.Bytes() },
			so: importer.StreamOptions{Window: 6000, Horizon: time.Hour}},
		{name: "generated streamed in small batches", data: func(*testing.T) []byte { return gen.Bytes() },
			opts: importer.Options{Batch: 777}, so: importer.StreamOptions{Window: 6000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStreamMatches(t, importer.XES, tc.ro, tc.data(t), tc.po, tc.opts, tc.so, tc.agree)
		})
	}
}

// TestImportXESClosesATraceAtItsEnd: a trace is a whole case, so its state
// is dropped once its last event is planned, not a horizon later; the
// cases and commands held follow the traces that overlap in time.
func TestImportXESClosesATraceAtItsEnd(t *testing.T) {
	var gen bytes.Buffer
	importer.GenerateXES(&gen, 20_000, 50, 7)
	var xesStats, csvStats importer.StreamStats
	_, err := importer.ImportXES(context.Background(), &recorder{}, bytes.NewReader(gen.Bytes()), importer.ReadOptions{},
		importer.StreamOptions{Window: 6000, Stats: func(s importer.StreamStats) { xesStats = s }})
	require.NoError(t, err)
	gen.Reset()
	importer.GenerateLog(&gen, 20_000, 50, 7)
	_, err = importer.ImportCSV(context.Background(), &recorder{}, bytes.NewReader(gen.Bytes()), importer.ReadOptions{},
		importer.StreamOptions{Window: 6000, Stats: func(s importer.StreamStats) { csvStats = s }})
	require.NoError(t, err)
	t.Logf("held at most: XES %+v, the same log as CSV %+v", xesStats, csvStats)
	// The CSV's cases stay open a horizon (30 days) after their last row:
	// all 2,000 of them; the traces only while they are in the window or
	// overlap its oldest event.
	assert.Greater(t, csvStats.Cases, 1500, "CSV cases held until the horizon")
	assert.Less(t, xesStats.Cases, csvStats.Cases/2, "XES cases held (those of the events in the window included)")
	assert.Less(t, xesStats.Commands, csvStats.Commands/4, "XES commands held")
}

// TestImportXESOutOfOrder: traces that overlap in time further apart
// than the window are an error that says what to do.
func TestImportXESOutOfOrder(t *testing.T) {
	trace := func(id, group string, times ...string) string {
		s := `<trace><string key="concept:name" value="` + id + `"/>` + "\n"
		for _, at := range times {
			s += `<event><string key="org:group" value="` + group + `"/><date key="time:timestamp" value="` + at + `"/></event>` + "\n"
		}
		return s + "</trace>\n"
	}
	log := "<log>\n" + trace("t1", "G", "2024-01-01T10:00:00Z", "2024-01-01T12:00:00Z", "2024-01-01T13:00:00Z") +
		trace("t2", "H", "2024-01-01T11:00:00Z") + "</log>\n"
	_, err := importer.ImportXES(context.Background(), &recorder{}, strings.NewReader(log), importer.ReadOptions{},
		importer.StreamOptions{Window: 1})
	require.ErrorIs(t, err, importer.ErrUnsorted)
	assert.EqualError(t, err, `line 8 (case "t2"): log out of time order: the event at 2024-01-01T11:00:00Z is older than one at 2024-01-01T12:00:00Z already planned, more than 1 events before it; XES traces that overlap in time are further apart in the file than the window holds: give a larger --window`)
	_, err = importer.ImportXES(context.Background(), &recorder{}, strings.NewReader(log), importer.ReadOptions{},
		importer.StreamOptions{Window: 2})
	assert.NoError(t, err, "the same log within a window of 2")
}

// TestImportXESMemoryIsBoundedByOpenCases streams generated XES logs of
// growing size with the same traces open at a time: what the planner
// holds at most, and the heap's high-water mark, stay the same.
func TestImportXESMemoryIsBoundedByOpenCases(t *testing.T) {
	checkMemoryIsBounded(t, importer.XES)
}

// BenchmarkXESStreamMemory is BenchmarkStreamMemory for XES: the heap's
// high-water mark of a streamed XES import (the planner alone) for logs
// of 100,000 and 400,000 events with the same traces open at a time.
func BenchmarkXESStreamMemory(b *testing.B) { benchmarkStreamMemory(b, importer.XES) }

// TestImportReportsWhatItRead: StreamOptions.Read sees the events read
// and the hand-offs planned grow, batch by batch, to the summary's.
func TestImportReportsWhatItRead(t *testing.T) {
	for _, f := range []importer.Format{importer.CSV, importer.XES} {
		t.Run(f.String(), func(t *testing.T) {
			var gen bytes.Buffer
			if f == importer.XES {
				importer.GenerateXES(&gen, 20_000, 50, 7)
			} else {
				importer.GenerateLog(&gen, 20_000, 50, 7)
			}
			var seen [][2]int
			sum, err := importer.Import(context.Background(), &recorder{}, f, &gen, importer.ReadOptions{}, importer.StreamOptions{
				Window: 6000, Options: importer.Options{Batch: 1000},
				Read: func(events, handoffs int) { seen = append(seen, [2]int{events, handoffs}) }})
			require.NoError(t, err)
			require.Greater(t, len(seen), 10, "one call a batch")
			for i := 1; i < len(seen); i++ {
				assert.GreaterOrEqual(t, seen[i][0], seen[i-1][0], "events read never go down")
				assert.GreaterOrEqual(t, seen[i][1], seen[i-1][1], "hand-offs never go down")
			}
			assert.Equal(t, [2]int{sum.Events, sum.Handoffs}, seen[len(seen)-1], "at the last batch: all of them")
		})
	}
}
