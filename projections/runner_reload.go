package projections

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// Reloading after a replay: read models that folded the whole log hold
// more memory than the same state loaded from a snapshot (maps grown one
// insertion at a time keep their largest size, slices grown by append
// keep their spare capacity, and the heap is fragmented by the replaced
// states and the decoded events: on 10M events about 1.65 GiB resident
// against 1.17 GiB). With SnapshotConfig.ReloadAfter, a runner that
// replayed the log from its start, at the event that completes its
// catch-up, writes the snapshot, drops the handlers' state, and loads it
// back from the file, before it reports caught up: the state is the same
// (a snapshot loads to the state it was taken of: the snapshot + tail ==
// full rebuild tests), in the loaded one's memory.

// Resetter is a Snapshotter that can drop its state, so that its memory
// can be collected before its snapshot is loaded back (ReloadAfter).
// Queries made between ResetState and the install of the loaded state see
// an empty read model; a runner does that only before it caught up, while
// the read models are partial anyway, and with its position at 0, so that
// a WaitFor waits for the loaded state. A runner with a Snapshotter that is
// not a Resetter does not reload: it keeps the replayed state.
type Resetter interface {
	// ResetState leaves the handler as its constructor returned it. The
	// runner calls it between two Applies.
	ResetState()
}

// reloadDue reports whether the event at pos completes a catch-up that
// replayed the log from its start (no snapshot loaded) and the runner
// should reload its handlers' state from a snapshot (reloadAfterReplay).
func (r *Runner) reloadDue(pos uint64) bool {
	s := &r.snaps
	return s.fromStart && s.cfg.ReloadAfter > 0 && s.since >= s.cfg.ReloadAfter &&
		pos >= r.target && !r.CaughtUp()
}

// reloadAfterReplay writes the snapshot of the handlers' state at pos,
// drops that state and loads it back from the file, which it then commits
// in the background. If the snapshot cannot be written, or a handler is
// not a Resetter, it keeps the state replayed and returns true; if it cannot be loaded back once the state
// was dropped, it returns false with the runner's position at 0: the
// caller replays the log again, and the file is removed, not committed
// (unless ctx ended the load).
func (r *Runner) reloadAfterReplay(ctx context.Context, pos uint64) bool {
	s := &r.snaps
	s.fromStart = false
	for _, h := range r.handlers {
		if _, ok := h.(Resetter); !ok {
			// Its state could not be dropped: were the load back to fail,
			// the replay from the start would apply the log to it twice.
			r.log.Warn("read models not loaded back after the replay: one cannot drop its state", "read_model", fmt.Sprintf("%T", h))
			return true
		}
	}
	start := time.Now()
	s.since, s.lastAt = 0, start
	p, err := r.encodeSnapshot(pos)
	if err != nil {
		r.log.Warn("snapshot of the read models not written after the replay: the replayed state is kept", "path", s.cfg.Path, "error", err)
		return true
	}
	encoded := time.Since(start)
	// The position goes to 0 while the read models are empty, so that a
	// WaitFor (a query's min_position) waits for the loaded state instead
	// of answering from the emptied one; advance sets it back.
	r.pos.Store(0)
	for _, h := range r.handlers {
		h.(Resetter).ResetState()
	}
	r.states = newHandoffStates()
	runtime.GC() // the replayed state, before the loaded one is allocated
	// Read before it is synced and renamed: the page cache has it.
	_, err = readSnapshot(ctx, p.tmp(), s.cfg.Fingerprint, &r.states, s.handlers, r.identity)
	if err != nil && ctx.Err() == nil {
		// Refused: not committed, or the next start would try it again,
		// fail again and replay the log again. The snapshot at the path,
		// if any, is one this start did not load either; the replay
		// writes the next as usual.
		p.discard()
		r.log.Error("snapshot of the read models not loaded back after the replay: replaying the whole log again; it is removed",
			"path", p.tmp(), "error", err)
		r.states = newHandoffStates() // the position is 0 already
		return false
	}
	// Committed also when ctx cut the load short (the server stopping):
	// it was not refused, and the next start can load it.
	r.commitSnapshot(p.commit, pos, start, encoded, false)
	if err != nil {
		r.states = newHandoffStates() // the position is 0: Run ends with ctx
		return false
	}
	r.log.Info(ReloadedAfterReplay, "path", s.cfg.Path, "position", pos, "encoded", encoded.Round(time.Millisecond),
		"took", time.Since(start).Round(time.Millisecond))
	return true
}

// ReloadedAfterReplay is the message of the log line a runner writes when
// it loaded its handlers' state back from the snapshot it wrote once a
// replay of the whole log caught up (SnapshotConfig.ReloadAfter).
const ReloadedAfterReplay = "read models loaded back from their snapshot after the replay"
