package projections

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cadena-project/cadena/eventstore"
)

// snapshotState is the runner's bookkeeping of snapshots.
type snapshotState struct {
	cfg      *SnapshotConfig
	handlers []Snapshotter
	tried    bool   // the first Run tried to load the snapshot
	firstID  string // ID of the first event of the log
	lastID   string // ID of the event at the runner's position
	since    uint64 // events dealt with since the last snapshot
	lastAt   time.Time
	inflight chan struct{} // closed when the background commit ends; nil if none
	// fromStart: the first Run started from position 0 with no snapshot
	// loaded, and its state was not reloaded yet (runner_reload.go).
	fromStart bool
}

func (s *snapshotState) seen(id string) {
	if s.cfg == nil {
		return
	}
	if s.firstID == "" {
		s.firstID = id
	}
	s.lastID = id
	s.since++
}

// EnableSnapshots makes the runner load its handlers' state from the
// snapshot c.Path at its first Run and save it as c says, in the
// background, and when Run returns. Every handler must be a Snapshotter.
// Call it before Run.
func (r *Runner) EnableSnapshots(c SnapshotConfig) error {
	if c.Path == "" {
		return errors.New("projections: snapshots need a path")
	}
	hs := make([]Snapshotter, len(r.handlers))
	for i, h := range r.handlers {
		s, ok := h.(Snapshotter)
		if !ok {
			return fmt.Errorf("projections: read model %T cannot be snapshotted", h)
		}
		hs[i] = s
	}
	r.snaps.cfg, r.snaps.handlers = &c, hs
	return nil
}

// loadSnapshot loads the snapshot once, at the first Run from position 0.
func (r *Runner) loadSnapshot(ctx context.Context) {
	s := &r.snaps
	if s.tried || r.pos.Load() != 0 {
		return
	}
	s.tried = true
	s.lastAt = time.Now()
	start := time.Now()
	h, err := readSnapshot(ctx, s.cfg.Path, s.cfg.Fingerprint, &r.states, s.handlers, r.identity)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.log.Info("no snapshot of the read models: replaying the whole log", "path", s.cfg.Path)
		s.fromStart = true
		return
	case err != nil:
		r.log.Warn("snapshot of the read models not loaded: replaying the whole log", "path", s.cfg.Path, "error", err)
		s.fromStart = true
		return
	}
	s.firstID, s.lastID = h.firstID, h.lastID
	r.pos.Store(h.position)
	r.log.Info(SnapshotLoaded, "path", s.cfg.Path, "position", h.position,
		"took", time.Since(start).Round(time.Millisecond))
}

// identity reads the ID of the first event of the log and of the event at
// pos; an error wrapping errIgnored when the log ends before pos.
func (r *Runner) identity(ctx context.Context, pos uint64) (firstID, idAt string, err error) {
	head, err := r.src.Head(ctx)
	if err != nil {
		return "", "", fmt.Errorf("reading the head: %w", err)
	}
	if head < pos || pos == 0 {
		return "", "", fmt.Errorf("%w: it is at position %d, the log ends at %d", errIgnored, pos, head)
	}
	first := func(after uint64) (eventstore.RecordedEvent, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for rec, err := range r.src.Subscribe(ctx, after) {
			return rec, err
		}
		return eventstore.RecordedEvent{}, errors.New("the subscription ended")
	}
	rec, err := first(0)
	if err != nil {
		return "", "", fmt.Errorf("reading the first event: %w", err)
	}
	firstID = rec.ID
	if rec, err = first(pos - 1); err != nil {
		return "", "", fmt.Errorf("reading the event at position %d: %w", pos, err)
	}
	if rec.Position != pos {
		return "", "", fmt.Errorf("%w: the log has no event at its position %d", errIgnored, pos)
	}
	return firstID, rec.ID, nil
}

// maybeSnapshot writes a snapshot in the background once the runner has
// caught up, when Every events or Interval passed since the last one and
// the previous one is committed.
func (r *Runner) maybeSnapshot() {
	s := &r.snaps
	if s.cfg == nil || s.since == 0 || !r.CaughtUp() {
		return
	}
	due := s.cfg.Every > 0 && s.since >= s.cfg.Every ||
		s.cfg.Interval > 0 && time.Since(s.lastAt) >= s.cfg.Interval
	if !due {
		return
	}
	if s.inflight != nil {
		select {
		case <-s.inflight:
			s.inflight = nil
		default:
			return // the previous one is still being synced
		}
	}
	r.saveSnapshot(false)
}

// finalSnapshot waits for the background commit and saves what was
// applied since, when Run returns.
func (r *Runner) finalSnapshot() {
	s := &r.snaps
	if s.inflight != nil {
		<-s.inflight
		s.inflight = nil
	}
	if s.since > 0 && r.pos.Load() > 0 {
		r.saveSnapshot(true)
	}
}

// saveSnapshot encodes the handlers' state at the runner's position (the
// runner applies nothing meanwhile) and commits it: in the background
// unless wait.
func (r *Runner) saveSnapshot(wait bool) {
	s := &r.snaps
	pos := r.pos.Load()
	start := time.Now()
	s.since, s.lastAt = 0, start
	p, err := r.encodeSnapshot(pos)
	if err != nil {
		r.log.Warn("snapshot of the read models not written", "path", s.cfg.Path, "error", err)
		return
	}
	r.commitSnapshot(p.commit, pos, start, time.Since(start), wait)
}

// encodeSnapshot writes the state at pos, the runner's position, to a
// temporary file (writeSnapshot).
func (r *Runner) encodeSnapshot(pos uint64) (pendingSnapshot, error) {
	s := &r.snaps
	return writeSnapshot(s.cfg.Path, snapshotHeader{fingerprint: s.cfg.Fingerprint,
		position: pos, lastID: s.lastID, firstID: s.firstID}, &r.states, s.handlers)
}

// commitSnapshot commits the snapshot at pos, begun at start and encoded
// in encoded: in the background unless wait.
func (r *Runner) commitSnapshot(commit func() error, pos uint64, start time.Time, encoded time.Duration, wait bool) {
	s := &r.snaps
	done := func() {
		if err := commit(); err != nil {
			r.log.Warn("snapshot of the read models not written", "path", s.cfg.Path, "error", err)
			return
		}
		r.log.Info("snapshot of the read models written", "path", s.cfg.Path, "position", pos,
			"encoded", encoded.Round(time.Millisecond), "took", time.Since(start).Round(time.Millisecond))
	}
	if wait {
		done()
		return
	}
	ch := make(chan struct{})
	s.inflight = ch
	go func() {
		defer close(ch)
		done()
	}()
}

// SnapshotLoaded is the message of the log line a runner writes when it
// loaded its snapshot (then it replays only the log's tail).
const SnapshotLoaded = "snapshot of the read models loaded"
