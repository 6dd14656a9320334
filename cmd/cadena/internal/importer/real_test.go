package importer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// realLog returns the contents of one of the real logs kept in
// ../shared/data next to the project root, or skips the test.
func realLog(tb testing.TB, name string) []byte {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("skipping: the real log %s is not in ../shared/data next to the project root", name)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// importInto reads, plans and imports a log into a bolt store in dir.
func importInto(tb testing.TB, dir string, data []byte, read func(io.Reader, importer.ReadOptions) (*importer.Log, error), group string, opts importer.Options) (*bolt.Store, *importer.Plan, importer.Summary) {
	tb.Helper()
	log, err := read(bytes.NewReader(data), importer.ReadOptions{Group: group})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := importer.NewPlan(log, importer.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(dir, "cadena.db"), bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	sum, err := importer.Run(context.Background(), api.New(store, api.Options{}), p, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return store, p, sum
}

// requestedByPair counts the requests in the store per supplier <- customer.
func requestedByPair(t *testing.T, store *bolt.Store) (map[string]int, *pairstats.Model, time.Time, time.Time) {
	t.Helper()
	m := pairstats.New(pairstats.Options{})
	counts := map[string]int{}
	var first, last time.Time
	for ev, err := range store.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		e, err := domain.Decode(ev.Type, ev.Data)
		require.NoError(t, err)
		m.Apply(projections.Envelope{Position: ev.Position, Version: ev.Version, Event: e})
		if first.IsZero() {
			first = domain.OccurredAt(e)
		}
		last = domain.OccurredAt(e)
		if r, ok := e.(domain.HandoffRequested); ok {
			counts[r.Supplier+" <- "+r.Customer]++
		}
	}
	return counts, m, first, last
}

func TestImportReceipt(t *testing.T) {
	data := realLog(t, "receipt.csv")
	if testing.Short() {
		t.Skip("skipping the real import (about 15,000 durable commands) in -short mode")
	}
	// The moves in the log, counted straight from the file.
	log, err := importer.ReadCSV(bytes.NewReader(data), importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Cases) != 1434 || log.Events != 8577 {
		t.Fatalf("read %d cases and %d events, want 1434 and 8577", len(log.Cases), log.Events)
	}
	moves := map[string]int{}
	for _, c := range log.Cases {
		events := slices.Clone(c.Events)
		slices.SortStableFunc(events, func(a, b importer.Event) int { return a.At.Compare(b.At) })
		for i := 1; i < len(events); i++ {
			if from, to := events[i-1].Group, events[i].Group; from != to {
				moves[from+" -> "+to]++
			}
		}
	}
	topMove := mostFrequent(moves)
	if len(moves) != 43 || topMove != "Group 3 -> Group 2" {
		t.Fatalf("%d distinct moves, the most frequent %q; want 43 and Group 3 -> Group 2", len(moves), topMove)
	}

	dir := t.TempDir()
	store, p, sum := importInto(t, dir, data, importer.ReadCSV, "org:group", importer.Options{ResolveWithin: 72 * time.Hour})
	t.Logf("imported %d hand-offs (%d returns) over %d pairs with %d commands in %s (%.0f commands/s)",
		sum.Handoffs, sum.Returns, sum.Pairs, sum.Commands, sum.Elapsed.Round(time.Millisecond), float64(sum.Commands)/sum.Elapsed.Seconds())
	counts, model, first, last := requestedByPair(t, store)
	// Every move is a hand-off from the group the case leaves (customer)
	// to the group it enters (supplier), or a return of one, so the pairs
	// are the moves turned around.
	if len(counts) != len(moves) || len(p.Pairs) != len(moves) {
		t.Fatalf("%d pairs with requests in the store, %d planned; want %d (one per distinct move)", len(counts), len(p.Pairs), len(moves))
	}
	if top := mostFrequent(counts); top != "group-2 <- group-3" {
		t.Fatalf("the pair with most requests is %s (%d), want group-2 <- group-3 (the move Group 3 -> Group 2)", top, counts[top])
	}

	head, _ := store.Head(context.Background())
	again, err := importer.Run(context.Background(), api.New(store, api.Options{}), p, importer.Options{ResolveWithin: 72 * time.Hour})
	if err != nil {
		t.Fatalf("importing again: %v", err)
	}
	if after, _ := store.Head(context.Background()); after != head {
		t.Fatalf("importing again moved the head from %d to %d", head, after)
	}
	t.Logf("importing again: %d commands in %s, nothing appended", again.Commands, again.Elapsed.Round(time.Millisecond))

	w, err := model.ParseWindow(first.Format(time.DateOnly), last.AddDate(0, 0, 1).Format(time.DateOnly), last)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range model.Hotspots(w, -1, 5) {
		t.Logf("hotspot %s <- %s: friction %.1f (%s), requested %d, open %d, returned %d, sla met %d breached %d open-breached %d, lead p50 %s",
			f.Supplier, f.Customer, f.Friction.Score, f.Friction.TopDriver, f.Requested, f.Open, f.Returned,
			f.SLA.Met, f.SLA.Breached, f.SLA.OpenBreached, seconds(f.LeadTime.P50))
	}
}

func TestImportHelpdesk(t *testing.T) {
	data := realLog(t, "helpdesk.xes.gz")
	store, p, sum := importInto(t, t.TempDir(), data, importer.ReadXES, "workgroup", importer.Options{})
	if sum.Cases != 4580 || sum.Events != 21348 {
		t.Fatalf("read %d cases and %d events, want 4580 and 21348", sum.Cases, sum.Events)
	}
	counts, _, _, _ := requestedByPair(t, store)
	requested := 0
	for _, n := range counts {
		requested += n
	}
	if requested != sum.Handoffs || len(counts) != sum.Pairs || sum.Departments != 4 {
		t.Fatalf("store has %d requests over %d pairs; summary %+v", requested, len(counts), sum)
	}
	steps := len(p.Departments)
	for _, h := range p.Handoffs {
		steps += len(h.Steps)
	}
	if head, _ := store.Head(context.Background()); head != uint64(steps) || sum.Commands != steps {
		t.Fatalf("head %d after %d commands, want %d (one event per planned step)", head, sum.Commands, steps)
	}
	t.Logf("helpdesk by workgroup: %d departments, %d pairs, %d hand-offs (%d returns): the workgroup rarely changes within a ticket",
		sum.Departments, sum.Pairs, sum.Handoffs, sum.Returns)
}

func mostFrequent(counts map[string]int) string {
	var best string
	for k, n := range counts {
		if n > counts[best] || n == counts[best] && k < best {
			best = k
		}
	}
	return best
}

func seconds(s *float64) string {
	if s == nil {
		return "-"
	}
	return time.Duration(*s * float64(time.Second)).Round(time.Minute).String()
}

// BenchmarkImportReceipt measures the whole import of receipt.csv (read,
// plan, and every command through the service into a fresh bolt store).
func BenchmarkImportReceipt(b *testing.B) {
	data := realLog(b, "receipt.csv")
	var events, commands int
	for b.Loop() {
		_, _, sum := importInto(b, b.TempDir(), data, importer.ReadCSV, "org:group", importer.Options{})
		events += sum.Events
		commands += sum.Commands
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(commands)/b.Elapsed().Seconds(), "commands/s")
}

// BenchmarkRead measures parsing alone, from memory.
func BenchmarkRead(b *testing.B) {
	for _, bb := range []struct {
		file  string
		read  func(io.Reader, importer.ReadOptions) (*importer.Log, error)
		group string
	}{
		{"receipt.csv", importer.ReadCSV, "org:group"},
		{"helpdesk.xes.gz", importer.ReadXES, "workgroup"},
	} {
		b.Run(bb.file, func(b *testing.B) {
			data := realLog(b, bb.file)
			b.SetBytes(int64(len(data)))
			var events int
			for b.Loop() {
				log, err := bb.read(bytes.NewReader(data), importer.ReadOptions{Group: bb.group})
				if err != nil {
					b.Fatal(err)
				}
				events += log.Events
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkPlan measures the mapping alone.
func BenchmarkPlan(b *testing.B) {
	log, err := importer.ReadCSV(bytes.NewReader(realLog(b, "receipt.csv")), importer.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := importer.NewPlan(log, importer.PlanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(log.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
