package projections_test

import (
	"context"
	"errors"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/projections"
)

// fakeLog is a Source over a slice that follows appends live.
type fakeLog struct {
	mu      sync.Mutex
	events  []eventstore.RecordedEvent
	changed chan struct{}
	// replay, when set, makes every subscription yield the events it
	// lists (by index) before following the log, to imitate a store that
	// repeats itself.
	replay []int
	afters []uint64 // the after of every Subscribe call
}

func newFakeLog() *fakeLog { return &fakeLog{changed: make(chan struct{})} }

// append adds an event at position pos (positions may have gaps).
func (l *fakeLog) append(t *testing.T, pos uint64, e domain.Event) {
	t.Helper()
	data, err := domain.Encode(e)
	require.NoError(t, err)
	l.appendRaw(pos, domain.EventType(e), data)
}

func (l *fakeLog) appendRaw(pos uint64, typ string, data []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, eventstore.RecordedEvent{Type: typ, StreamID: "s", Version: uint64(len(l.events) + 1),
		Position: pos, RecordedAt: time.Unix(int64(pos), 0).UTC(), Data: data})
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *fakeLog) Head(context.Context) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return 0, nil
	}
	return l.events[len(l.events)-1].Position, nil
}

func (l *fakeLog) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	l.mu.Lock()
	l.afters = append(l.afters, after)
	l.mu.Unlock()
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		l.mu.Lock()
		for _, i := range l.replay {
			e := l.events[i]
			l.mu.Unlock()
			if !yield(e, nil) {
				return
			}
			l.mu.Lock()
		}
		for {
			var next *eventstore.RecordedEvent
			for i := range l.events {
				if l.events[i].Position > after {
					next = &l.events[i]
					break
				}
			}
			if next == nil {
				ch := l.changed
				l.mu.Unlock()
				select {
				case <-ch:
				case <-ctx.Done():
					yield(eventstore.RecordedEvent{}, ctx.Err())
					return
				}
				l.mu.Lock()
				continue
			}
			e := *next
			l.mu.Unlock()
			if !yield(e, nil) {
				return
			}
			after = e.Position
			l.mu.Lock()
		}
	}
}

// recorder is a Handler that records what it is given.
type recorder struct {
	mu   sync.Mutex
	envs []projections.Envelope
}

func (r *recorder) Apply(env projections.Envelope) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envs = append(r.envs, env)
}

func (r *recorder) positions() []uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ps []uint64
	for _, e := range r.envs {
		ps = append(ps, e.Position)
	}
	return ps
}

var at = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func accepted(id string) domain.Event { return domain.HandoffAccepted{HandoffID: id, At: at} }

// start runs r in the background; the returned function stops it and
// returns Run's result.
func start(t *testing.T, r *projections.Runner) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	stopped := false
	var err error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			err = <-done
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func wait(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCatchUpThenLive(t *testing.T) {
	log := newFakeLog()
	log.append(t, 3, accepted("a"))
	log.appendRaw(5, "audit.note.v1", []byte(`{}`)) // not a domain type: skipped
	log.append(t, 9, accepted("b"))
	rec := &recorder{}
	r := projections.NewRunner(log, nil, rec)
	if r.CaughtUp() {
		t.Fatal("caught up before Run")
	}
	stop := start(t, r)
	ctx := wait(t)
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if !r.CaughtUp() || r.Position() < 9 {
		t.Fatalf("caught up %v at %d", r.CaughtUp(), r.Position())
	}
	if got := rec.positions(); !equal(got, []uint64{3, 9}) {
		t.Fatalf("applied %v, want [3 9]", got)
	}
	first := rec.envs[0]
	if first.StreamID != "s" || first.Version != 1 || !first.RecordedAt.Equal(time.Unix(3, 0)) ||
		first.Event.(domain.HandoffAccepted).HandoffID != "a" {
		t.Fatalf("envelope %+v", first)
	}

	log.append(t, 12, accepted("c"))
	log.appendRaw(13, "audit.note.v1", []byte(`{}`))
	if err := r.WaitFor(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if got := rec.positions(); !equal(got, []uint64{3, 9, 12}) {
		t.Fatalf("applied %v, want [3 9 12]", got)
	}
	if lag, err := r.Lag(ctx); err != nil || lag != 0 {
		t.Fatalf("lag %d, %v", lag, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run returned %v after its context ended, want nil", err)
	}

	// Run again: it resumes after the position reached.
	log.append(t, 20, accepted("d"))
	if lag, _ := r.Lag(ctx); lag != 7 {
		t.Fatalf("lag %d, want 7", lag)
	}
	start(t, r)
	if err := r.WaitFor(ctx, 20); err != nil {
		t.Fatal(err)
	}
	if got := rec.positions(); !equal(got, []uint64{3, 9, 12, 20}) {
		t.Fatalf("applied %v, want [3 9 12 20]", got)
	}
	log.mu.Lock()
	afters := log.afters
	log.mu.Unlock()
	if !equal(afters, []uint64{0, 13}) {
		t.Fatalf("subscribed after %v, want [0 13]", afters)
	}
}

func TestSkipsAppliedPositions(t *testing.T) {
	log := newFakeLog()
	log.append(t, 1, accepted("a"))
	log.append(t, 2, accepted("b"))
	log.append(t, 3, accepted("c"))
	log.replay = []int{0, 1, 1, 0} // then 1, 2, 3 again from the log
	rec := &recorder{}
	r := projections.NewRunner(log, nil, rec)
	start(t, r)
	if err := r.WaitCaughtUp(wait(t)); err != nil {
		t.Fatal(err)
	}
	if got := rec.positions(); !equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("applied %v, want [1 2 3]", got)
	}
}

func TestWaitFor(t *testing.T) {
	log := newFakeLog()
	r := projections.NewRunner(log, nil)
	start(t, r)
	ctx := wait(t)
	if err := r.WaitCaughtUp(ctx); err != nil { // an empty log: at once
		t.Fatal(err)
	}
	if err := r.WaitFor(ctx, 0); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := r.WaitFor(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor beyond the log returned %v", err)
	}
	done := make(chan error, 3)
	for range 3 {
		go func() { done <- r.WaitFor(ctx, 4) }()
	}
	log.append(t, 2, accepted("a"))
	log.append(t, 4, accepted("b"))
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if r.Position() < 4 {
		t.Fatalf("position %d", r.Position())
	}
}

func TestWaitCaughtUpBeforeRun(t *testing.T) {
	log := newFakeLog()
	log.append(t, 1, accepted("a"))
	r := projections.NewRunner(log, nil, &recorder{})
	ctx := wait(t)
	done := make(chan error, 1)
	go func() { done <- r.WaitCaughtUp(ctx) }()
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := r.WaitCaughtUp(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCaughtUp before Run returned %v", err)
	}
	start(t, r)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestDecodeErrorSkipped(t *testing.T) {
	log := newFakeLog()
	log.appendRaw(1, domain.TypeHandoffAccepted, []byte(`{"handoff_id": 7}`))
	log.append(t, 2, accepted("b"))
	rec := &recorder{}
	r := projections.NewRunner(log, nil, rec)
	start(t, r)
	if err := r.WaitCaughtUp(wait(t)); err != nil {
		t.Fatal(err)
	}
	if got := rec.positions(); !equal(got, []uint64{2}) || r.DecodeErrors() != 1 {
		t.Fatalf("applied %v with %d decode errors", got, r.DecodeErrors())
	}
}

func TestOneRunAtATime(t *testing.T) {
	r := projections.NewRunner(newFakeLog(), nil)
	start(t, r)
	ctx := wait(t)
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(ctx); !errors.Is(err, projections.ErrRunning) {
		t.Fatalf("second Run returned %v", err)
	}
}

type failingLog struct{ *fakeLog }

var errBroken = errors.New("broken")

func (l *failingLog) Subscribe(context.Context, uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) { yield(eventstore.RecordedEvent{}, errBroken) }
}

func TestRunReturnsStoreError(t *testing.T) {
	r := projections.NewRunner(&failingLog{newFakeLog()}, nil)
	if err := r.Run(wait(t)); !errors.Is(err, errBroken) {
		t.Fatalf("Run returned %v", err)
	}
}
