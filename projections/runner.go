package projections

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// Envelope is a decoded domain event with where the log recorded it.
type Envelope struct {
	Position   uint64
	StreamID   string
	Version    uint64
	RecordedAt time.Time
	Event      domain.Event
	Metadata   []byte
	// Handoff is the state of the event's hand-off after it, folded once
	// by the runner for every handler, which may keep it and must never
	// modify it. It is nil for events of other aggregates, for a hand-off
	// whose request was not seen or was requested twice, and in envelopes
	// made without a runner: the handler then folds its own (NextHandoff).
	Handoff *domain.Handoff
	// Num is the number the runner gave the event's hand-off: 1 for the
	// first requested, 2 for the next, and so on, for all its events; 0
	// for events of other aggregates, of a hand-off whose request was not
	// seen, and in envelopes made without a runner (Nums gives handlers
	// their own then). Handlers keep what they hold per hand-off in Slots
	// by this number instead of a map of their own by ID.
	Num uint32
	// Replaced is, for a second request of a hand-off the runner folded,
	// the state the hand-off had before it: the runner folds that hand-off
	// no further (Handoff is nil from then on), and a handler that dropped
	// its pointer to the state (Keep) takes this one to fold its own.
	Replaced *domain.Handoff
}

// Handler is a read model fed by a Runner. Apply is called from the runner's
// goroutine, one event at a time in log order; the handler guards its own
// state against concurrent queries.
type Handler interface {
	Apply(Envelope)
}

// Source is the part of an event store a Runner reads. Every
// eventstore.Store is a Source.
type Source interface {
	Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error]
	Head(ctx context.Context) (uint64, error)
}

var _ Source = eventstore.Store(nil)

// ErrRunning is returned by Run when another Run of the same runner is active.
var ErrRunning = errors.New("projections: runner already running")

// Runner applies the events of a Source to its handlers.
type Runner struct {
	src      Source
	log      *slog.Logger
	handlers []Handler

	running   atomic.Bool
	pos       atomic.Uint64
	decodeErr atomic.Uint64

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when pos moves and someone waits
	waiting  bool
	target   uint64 // the head when the first Run started
	started  bool
	caughtUp chan struct{} // closed once pos >= target after start

	snaps  snapshotState // the runner's goroutine only
	states handoffStates // the runner's goroutine only
}

// NewRunner returns a runner that feeds handlers from src. A nil log
// discards log records.
func NewRunner(src Source, log *slog.Logger, handlers ...Handler) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		src: src, log: log, handlers: handlers,
		changed: make(chan struct{}), caughtUp: make(chan struct{}),
		states: newHandoffStates(),
	}
}

// Run subscribes from the last position dealt with and applies events until
// ctx ends (it then returns nil) or the subscription fails (it returns the
// error). See the package documentation for what is skipped.
func (r *Runner) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer r.running.Store(false)
	if r.snaps.cfg != nil {
		r.loadSnapshot(ctx)
		defer r.finalSnapshot()
	}

	head, err := r.src.Head(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("projections: reading the head: %w", err)
	}
	r.mu.Lock()
	if !r.started {
		r.started = true
		r.target = head
		r.checkCaughtUpLocked()
	}
	r.mu.Unlock()

	for {
		again, err := r.follow(ctx)
		if !again {
			return err
		}
		// The reload after the replay failed with the handlers emptied
		// (runner_reload.go): replay the log again from its start.
	}
}

// follow applies the log from the runner's position until ctx ends or the
// subscription fails; again when it must start over from position 0.
func (r *Runner) follow(ctx context.Context) (again bool, err error) {
	for d, err := range r.subscribeDecoded(ctx, r.pos.Load()) {
		if err != nil {
			if ctx.Err() != nil {
				return false, nil
			}
			return false, fmt.Errorf("projections: subscription: %w", err)
		}
		if !r.handle(ctx, d) {
			return true, nil
		}
	}
	if ctx.Err() != nil {
		return false, nil
	}
	return false, errors.New("projections: subscription ended")
}

// handle applies one event; false when the handlers were emptied and the
// log must be replayed again from its start (reloadAfterReplay).
func (r *Runner) handle(ctx context.Context, d decoded) bool {
	rec := &d.rec
	if rec.Position <= r.pos.Load() {
		return true
	}
	r.snaps.seen(rec.ID)
	if d.domain {
		ev, err := d.ev, d.err
		if err != nil {
			r.decodeErr.Add(1)
			r.log.Error("projections: skipping an event that does not decode",
				"position", rec.Position, "stream", rec.StreamID, "version", rec.Version,
				"type", rec.Type, "error", err)
		} else {
			h, num, replaced := r.states.next(ev)
			env := Envelope{Position: rec.Position, StreamID: rec.StreamID, Version: rec.Version,
				RecordedAt: rec.RecordedAt, Event: ev, Metadata: rec.Metadata, Handoff: h, Num: num, Replaced: replaced}
			for _, h := range r.handlers {
				h.Apply(env)
			}
		}
	}
	if r.reloadDue(rec.Position) && !r.reloadAfterReplay(ctx, rec.Position) {
		return false
	}
	r.advance(rec.Position)
	r.maybeSnapshot()
	return true
}

func (r *Runner) advance(pos uint64) {
	r.pos.Store(pos)
	r.mu.Lock()
	if r.waiting {
		close(r.changed)
		r.changed = make(chan struct{})
		r.waiting = false
	}
	r.checkCaughtUpLocked()
	r.mu.Unlock()
}

func (r *Runner) checkCaughtUpLocked() {
	if !r.started || r.pos.Load() < r.target {
		return
	}
	select {
	case <-r.caughtUp:
	default:
		close(r.caughtUp)
	}
}

// Position returns the last position dealt with (applied or skipped), 0
// before the first event.
func (r *Runner) Position() uint64 { return r.pos.Load() }

// DecodeErrors returns how many events of a domain type were skipped
// because their data did not decode.
func (r *Runner) DecodeErrors() uint64 { return r.decodeErr.Load() }

// WaitFor blocks until Position() >= pos or ctx ends, when it returns
// ctx.Err().
func (r *Runner) WaitFor(ctx context.Context, pos uint64) error {
	for {
		if r.pos.Load() >= pos {
			return nil
		}
		r.mu.Lock()
		if r.pos.Load() >= pos {
			r.mu.Unlock()
			return nil
		}
		ch := r.changed
		r.waiting = true
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitCaughtUp blocks until the runner has dealt with the head of the log as
// it was when Run first started, or ctx ends (it returns ctx.Err()). Before
// Run starts it waits for it.
func (r *Runner) WaitCaughtUp(ctx context.Context) error {
	select {
	case <-r.caughtUp:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CaughtUp reports whether WaitCaughtUp would return at once.
func (r *Runner) CaughtUp() bool {
	select {
	case <-r.caughtUp:
		return true
	default:
		return false
	}
}

// Lag returns how far the runner is behind the head of the log, in
// positions (0 when it is at the head). Positions may have gaps, so this is
// an upper bound on the number of events still to apply.
func (r *Runner) Lag(ctx context.Context) (uint64, error) {
	head, err := r.src.Head(ctx)
	if err != nil {
		return 0, fmt.Errorf("projections: reading the head: %w", err)
	}
	if p := r.pos.Load(); p < head {
		return head - p, nil
	}
	return 0, nil
}
