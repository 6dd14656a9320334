package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"log/slog"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/recognitions"
	"github.com/cadena-project/cadena/projections/tallies"
)

// readModels are the projections the server queries, fed by one runner.
type readModels struct {
	pairs  *pairstats.Model
	cat    *catalog.Catalog
	index  *handoffindex.Index
	thanks *recognitions.Model
	tally  *tallies.Model
	runner *projections.Runner
}

// newReadModels returns empty read models and the runner that feeds them
// from src.
func newReadModels(src projections.Source, logger *slog.Logger, policy domain.Policy) *readModels {
	rm := &readModels{
		pairs:  pairstats.New(pairstats.Options{Policy: policy}),
		cat:    catalog.New(),
		index:  handoffindex.New(),
		thanks: recognitions.New(),
		tally:  tallies.New(tallies.Options{Policy: policy}),
	}
	rm.runner = projections.NewRunner(src, logger, rm.pairs, rm.cat, rm.index, rm.thanks, rm.tally)
	return rm
}

// snapshotFileName is the snapshot of the read models in its directory.
const snapshotFileName = "cadena.snapshot"

// snapshotFlags configure the snapshots of the read models.
type snapshotFlags struct {
	dir      string
	every    int
	interval time.Duration
}

func (f *snapshotFlags) flags(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
}) {
	fs.StringVar(&f.dir, "snapshot-dir", "", "directory of the snapshot of the read models (default: --data; none for --store unless given)")
	fs.IntVar(&f.every, "snapshot-every", 250_000, "write a snapshot of the read models after this many new events (0: no snapshots, every start replays the whole log)")
	fs.DurationVar(&f.interval, "snapshot-interval", 5*time.Minute, "also write one when this long passed since the last and events arrived (0: only by count)")
}

// checkReadModelFlags refuses a negative --snapshot-every,
// --snapshot-interval or --catch-up-gc-percent, a --snapshot-dir that is a
// file, and a negative --metrics-top-pairs: part of serveConfig.check.
func (c serveConfig) checkReadModelFlags() error {
	f := c.snapshots
	if f.every < 0 || f.interval < 0 {
		return fmt.Errorf("--snapshot-every %d, --snapshot-interval %s: want 0 or more", f.every, f.interval)
	}
	if c.catchUpGC < 0 {
		return fmt.Errorf("--catch-up-gc-percent %d: want 0 or more", c.catchUpGC)
	}
	if fi, err := os.Stat(f.dir); f.dir != "" && err == nil && !fi.IsDir() {
		return fmt.Errorf("--snapshot-dir %s is not a directory", f.dir)
	}
	if c.topPairs < 0 { // what /metrics exports is a read model too
		return fmt.Errorf("--metrics-top-pairs %d: want 0 (all pairs) or more", c.topPairs)
	}
	return nil
}

// enableSnapshots turns the runner's snapshots on as the flags say.
// The flags were checked (checkReadModelFlags).
func (c serveConfig) enableSnapshots(rm *readModels, policy domain.Policy, logger *slog.Logger) error {
	f := c.snapshots
	dir := f.dir
	if dir == "" && c.store == "" {
		dir = c.data
	}
	if f.every == 0 || dir == "" {
		logger.Info("snapshots of the read models are off: every start replays the whole log")
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("--snapshot-dir: %w", err)
	}
	return rm.runner.EnableSnapshots(projections.SnapshotConfig{
		Path:        filepath.Join(dir, snapshotFileName),
		Fingerprint: snapshotFingerprint(projections.FoldVersion, policy),
		Every:       uint64(f.every),
		Interval:    f.interval,
		// A replay of the whole log holds a third more memory than the
		// state loaded from its snapshot: once it caught up, the state
		// is written and loaded back (projections.Resetter).
		ReloadAfter: uint64(f.every),
	})
}

// snapshotFingerprint is what the read models' state depends on besides
// the log: the fold version (projections.FoldVersion: a new binary with
// the same fold loads the snapshot of the previous one, one whose fold
// changed replays the log once) and the options of the fold (days in the
// time zone, the at-risk share).
func snapshotFingerprint(foldVersion uint64, p domain.Policy) string {
	return fmt.Sprintf("fold %d; timezone %s; at-risk %g", foldVersion, p.Location, p.AtRiskRatio)
}
