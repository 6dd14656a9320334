package main

import (
	"bytes"
	"context"
	"iter"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/synth"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// upTo is a source that ends at position max: the log as it was then.
type upTo struct {
	projections.Source
	max uint64
}

func (u upTo) Head(ctx context.Context) (uint64, error) {
	h, err := u.Source.Head(ctx)
	return min(h, u.max), err
}

func (u upTo) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for rec, err := range u.Source.Subscribe(ctx, after) {
			if err == nil && rec.Position > u.max {
				<-ctx.Done()
				yield(eventstore.RecordedEvent{}, ctx.Err())
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// startModels runs read models on src (with snapshots at path when it is
// not "") until they caught up, then stops them (which writes the final
// snapshot); it returns them and their log.
func startModels(t *testing.T, src projections.Source, policy domain.Policy, path, fingerprint string) (*readModels, string) {
	t.Helper()
	var log bytes.Buffer
	rm := newReadModels(src, slog.New(slog.NewTextHandler(&log, nil)), policy)
	if path != "" {
		require.NoError(t, rm.runner.EnableSnapshots(projections.SnapshotConfig{Path: path, Fingerprint: fingerprint, Every: 1 << 40}))
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- rm.runner.Run(ctx) }()
	require.NoError(t, rm.runner.WaitCaughtUp(ctx))
	cancel()
	require.NoError(t, <-done)
	return rm, log.String()
}

// testLog returns a memory store holding a generated log of events
// events, and what the generator wrote.
func testLog(t *testing.T, events int, seed uint64) (*memory.Store, synth.Summary) {
	t.Helper()
	s := memory.New(memory.Options{})
	t.Cleanup(func() { s.Close() })
	sum, err := synth.Write(t.Context(), s, synthOptions(events, seed))
	require.NoError(t, err)
	return s, sum
}

// checkedDepartments are the departments whose scorecards, series and
// recognitions assertSameModels compares: the busiest pair's, the retired
// one, the first and the last.
func checkedDepartments(sum synth.Summary) []string {
	return []string{sum.Supplier, sum.Customer, sum.Retired, sum.DepartmentIDs[0], sum.DepartmentIDs[len(sum.DepartmentIDs)-1]}
}

func testPolicy(t *testing.T) domain.Policy {
	t.Helper()
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	return domain.Policy{Location: madrid}.WithDefaults()
}

// TestSnapshotPlusTailEqualsFullRebuild cuts the log at random positions:
// read models fed up to the cut write their snapshot, fresh ones load it
// and replay the tail, and every query answers as after a full rebuild.
func TestSnapshotPlusTailEqualsFullRebuild(t *testing.T) {
	s, sum := testLog(t, 6000, 7)
	policy := testPolicy(t)
	head, err := s.Head(t.Context())
	require.NoError(t, err)
	full, _ := startModels(t, s, policy, "", "")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	cuts := []uint64{1, head - 1, head}
	for range 5 {
		cuts = append(cuts, 1+r.Uint64N(head))
	}
	for _, cut := range cuts {
		path := filepath.Join(t.TempDir(), snapshotFileName)
		_, log := startModels(t, upTo{s, cut}, policy, path, "test")
		require.Contains(t, log, "snapshot of the read models written", "cut %d", cut)
		restarted, log := startModels(t, s, policy, path, "test")
		require.Contains(t, log, "snapshot of the read models loaded", "cut %d", cut)
		assertSameModels(t, full, restarted, cut, checkedDepartments(sum))
	}
}

// TestSnapshotIgnored checks that a snapshot that does not fit is ignored
// with a log line and the whole log replayed.
func TestSnapshotIgnored(t *testing.T) {
	s, sum := testLog(t, 3000, 8)
	other, _ := testLog(t, 3000, 9)
	policy := testPolicy(t)
	full, _ := startModels(t, s, policy, "", "")
	head, err := s.Head(t.Context())
	require.NoError(t, err)
	cut := head / 2
	this := snapshotFingerprint(projections.FoldVersion, policy)
	cases := []struct {
		name        string
		spoil       func(t *testing.T, path string)
		fingerprint string
		src         projections.Source
		reason      string
	}{
		{"corrupt", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			b[len(b)/2] ^= 0x40
			require.NoError(t, os.WriteFile(path, b, 0o600))
		}, this, s, "checksum mismatch"},
		{"truncated", func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, b[:len(b)-100], 0o600))
		}, this, s, "checksum mismatch"},
		{"another fold version", func(*testing.T, string) {}, snapshotFingerprint(projections.FoldVersion+1, policy), s, "written by"},
		{"another time zone", func(*testing.T, string) {}, snapshotFingerprint(projections.FoldVersion, domain.Policy{Location: time.UTC}.WithDefaults()), s, "written by"},
		{"another store", func(*testing.T, string) {}, this, other, "another log"},
		{"a shorter log", func(*testing.T, string) {}, this, upTo{s, cut - 1}, "the log ends"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), snapshotFileName)
			_, log := startModels(t, upTo{s, cut}, policy, path, this)
			require.Contains(t, log, "snapshot of the read models written")
			c.spoil(t, path)
			restarted, log := startModels(t, c.src, policy, path, c.fingerprint)
			assert.Contains(t, log, "snapshot of the read models not loaded")
			assert.Contains(t, log, c.reason)
			assert.NotContains(t, log, "snapshot of the read models loaded")
			if c.src == projections.Source(s) {
				assertSameModels(t, full, restarted, cut, checkedDepartments(sum))
			}
		})
	}
}

// assertSameModels compares every query of two sets of read models, those
// of one department for each of depts.
func assertSameModels(t *testing.T, want, got *readModels, cut uint64, depts []string) {
	t.Helper()
	assert.Equal(t, want.pairs.Position(), got.pairs.Position(), "cut %d", cut)
	assert.Equal(t, want.tally.Position(), got.tally.Position(), "cut %d", cut)
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	var windows []pairstats.Window
	for _, w := range [][2]string{{"2025-01-01", "2026-01-01"}, {"2025-03-01", "2025-04-01"}, {"2025-06-10", "2025-06-17"}, {"2025-12-20", ""}} {
		win, err := want.pairs.ParseWindow(w[0], w[1], now)
		require.NoError(t, err)
		windows = append(windows, win)
	}
	for _, w := range windows {
		assert.Equal(t, want.pairs.Pairs(w), got.pairs.Pairs(w), "pairs, cut %d", cut)
		assert.Equal(t, want.pairs.Hotspots(w, 1, 50), got.pairs.Hotspots(w, 1, 50), "hotspots, cut %d", cut)
		assert.Equal(t, want.pairs.Chain(w), got.pairs.Chain(w), "chain, cut %d", cut)
		assert.Equal(t, want.pairs.BrightSpots(w, 1, 20), got.pairs.BrightSpots(w, 1, 20), "bright spots, cut %d", cut)
		for _, d := range depts {
			assert.Equal(t, want.pairs.Scorecard(d, w), got.pairs.Scorecard(d, w), "scorecard, cut %d", cut)
			ws, err := want.pairs.DepartmentSeries(d, pairstats.SideSupplier, w, pairstats.StepWeek)
			require.NoError(t, err)
			gs, err := got.pairs.DepartmentSeries(d, pairstats.SideSupplier, w, pairstats.StepWeek)
			require.NoError(t, err)
			assert.Equal(t, ws, gs, "series, cut %d", cut)
		}
	}
	assert.Equal(t, want.pairs.Span(), got.pairs.Span(), "span, cut %d", cut)
	assert.Equal(t, allHandoffs(t, want.index), allHandoffs(t, got.index), "hand-offs, cut %d", cut)
	assert.Equal(t, want.cat.Departments(), got.cat.Departments(), "departments, cut %d", cut)
	assert.Equal(t, want.cat.Agreements(), got.cat.Agreements(), "agreements, cut %d", cut)
	assert.Equal(t, want.cat.Calendars(), got.cat.Calendars(), "calendars, cut %d", cut)
	year0, year1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range depts {
		assert.Equal(t, want.thanks.ForSupplier(d, year0, year1, 0), got.thanks.ForSupplier(d, year0, year1, 0), "recognitions, cut %d", cut)
	}
	assert.Equal(t, want.tally.Totals(), got.tally.Totals(), "totals, cut %d", cut)
	assert.Equal(t, want.tally.OpenClocks(now), got.tally.OpenClocks(now), "open clocks, cut %d", cut)
	for _, p := range want.tally.Totals()[:5] {
		bounds := []float64{60, 3600, 86400, 7 * 86400}
		wc, ws, wn := want.tally.LeadTimeHistogram(p.Supplier, p.Customer, bounds)
		gc, gs, gn := got.tally.LeadTimeHistogram(p.Supplier, p.Customer, bounds)
		assert.Equal(t, []any{wc, ws, wn}, []any{gc, gs, gn}, "histogram, cut %d", cut)
	}
}

func allHandoffs(t *testing.T, x *handoffindex.Index) []handoffindex.Summary {
	t.Helper()
	var out []handoffindex.Summary
	cursor := ""
	for {
		page, next, err := x.List(handoffindex.Filter{Limit: handoffindex.MaxLimit, Cursor: cursor})
		require.NoError(t, err)
		out = append(out, page...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

// TestSharedHandoffStatesEqualOwnFolds feeds one set of read models
// through the runner, which folds every hand-off's state once for all of
// them, keeps the closed ones packed and numbers the hand-offs, and
// another with envelopes that carry no state nor number, so that each
// model folds and keeps every state in full: every query answers the
// same, compacted or not.
func TestSharedHandoffStatesEqualOwnFolds(t *testing.T) {
	s, sum := testLog(t, 6000, 10)
	policy := testPolicy(t)
	// A hand-off requested twice: the read models fold it each their own way.
	ev := domain.HandoffRequested{HandoffID: "ho-00000001", Supplier: sum.Supplier, Customer: sum.Customer, Kind: "again",
		Title: "twice", At: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}
	data, err := domain.Encode(ev)
	require.NoError(t, err)
	_, err = s.Append(t.Context(), domain.HandoffStream(ev.HandoffID), eventstore.Any,
		eventstore.EventData{ID: eventstore.NewID(), Type: domain.TypeHandoffRequested, Data: data})
	require.NoError(t, err)
	// And one delivered (closed: the runner keeps it packed, the read
	// models drop their pointer), requested again, then rated and returned:
	// the read models fold it on their own from the state before.
	at := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	for _, ev := range []domain.Event{
		domain.HandoffRequested{HandoffID: "closed-then-again", Supplier: sum.Supplier, Customer: sum.Customer, Kind: "k", Title: "t", At: at},
		domain.HandoffDelivered{HandoffID: "closed-then-again", Delivery: 1, At: at.Add(time.Hour)},
		domain.HandoffRequested{HandoffID: "closed-then-again", Supplier: sum.Supplier, Customer: sum.Customer, Kind: "k", Title: "again", At: at.Add(2 * time.Hour)},
		domain.HandoffRated{HandoffID: "closed-then-again", Delivery: 1, Score: 2, At: at.Add(3 * time.Hour)},
		domain.HandoffReturned{HandoffID: "closed-then-again", At: at.Add(4 * time.Hour)},
	} {
		data, err := domain.Encode(ev)
		require.NoError(t, err)
		_, err = s.Append(t.Context(), domain.HandoffStream("closed-then-again"), eventstore.Any,
			eventstore.EventData{ID: eventstore.NewID(), Type: domain.EventType(ev), Data: data})
		require.NoError(t, err)
	}
	shared, _ := startModels(t, s, policy, "", "")

	own := newReadModels(s, nil, policy)
	handlers := []projections.Handler{own.pairs, own.cat, own.index, own.thanks, own.tally}
	n := 0
	for rec, err := range s.ReadAll(t.Context(), 0) {
		require.NoError(t, err)
		if !domain.IsDomainType(rec.Type) {
			continue
		}
		ev, err := domain.Decode(rec.Type, rec.Data)
		require.NoError(t, err)
		env := projections.Envelope{Position: rec.Position, StreamID: rec.StreamID, Version: rec.Version,
			RecordedAt: rec.RecordedAt, Event: ev, Metadata: rec.Metadata}
		for _, h := range handlers {
			h.Apply(env)
		}
		n++
	}
	require.Positive(t, n)
	assertSameModels(t, shared, own, 0, checkedDepartments(sum))
}

// TestServeRefusesBadSnapshotFlagsFirst: a negative --snapshot-every,
// --snapshot-interval, --catch-up-gc-percent or --metrics-top-pairs is one line and exit
// status 1 before the store is opened (serve) or seeded (demo), so no
// data directory is made.
func TestServeRefusesBadSnapshotFlagsFirst(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.json")
	writeTokensFile(t, tokens)
	data := filepath.Join(dir, "data")
	serve := func(flags ...string) []string {
		return append([]string{"serve", "--data", data, "--tokens", tokens, "--addr", "127.0.0.1:0"}, flags...)
	}
	runCLICases(t, []cliCase{
		{"--snapshot-every", serve("--snapshot-every", "-1"), 1, "", "cadena: --snapshot-every -1, --snapshot-interval 5m0s: want 0 or more"},
		{"--snapshot-interval", serve("--snapshot-interval", "-1s"), 1, "", "cadena: --snapshot-every 250000, --snapshot-interval -1s: want 0 or more"},
		{"--catch-up-gc-percent", serve("--catch-up-gc-percent", "-1"), 1, "", "cadena: --catch-up-gc-percent -1: want 0 or more"},
		{"demo --snapshot-every", []string{"demo", "--data", data, "--addr", "127.0.0.1:0", "--snapshot-every", "-1"}, 1, "",
			"cadena: --snapshot-every -1, --snapshot-interval 5m0s: want 0 or more"},
		{"--metrics-top-pairs", serve("--metrics-top-pairs", "-1"), 1, "", "cadena: --metrics-top-pairs -1: want 0 (all pairs) or more"},
		{"demo --metrics-top-pairs", []string{"demo", "--data", data, "--addr", "127.0.0.1:0", "--metrics-top-pairs", "-1"}, 1, "",
			"cadena: --metrics-top-pairs -1: want 0 (all pairs) or more"},
	})
	assert.NoDirExists(t, data, "a refused start makes no store (nor seeds the demo)")
}
