package esdb

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

var errDropped = errors.New("connection reset")

// fakeSource serves a fixed log. Each subscription delivers at most
// dropAfter events, then drops; after the last event it waits for ctx.
type fakeSource struct {
	mu        sync.Mutex
	log       []eventstore.RecordedEvent
	dropAfter int     // 0: never drop
	openErrs  []error // errors returned by the first opens, in turn
	replay    int     // each subscription first repeats this many events at or below after
	opens     []uint64
	live      int // subscriptions currently open
}

func newLog(n int) []eventstore.RecordedEvent {
	log := make([]eventstore.RecordedEvent, n)
	for i := range log {
		log[i] = eventstore.RecordedEvent{ID: eventstore.NewID(), Type: "t.v1", StreamID: "s", Version: uint64(i + 1), Position: uint64(100 * (i + 1))}
	}
	return log
}

func (f *fakeSource) open(ctx context.Context, after uint64) (eventStream, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens = append(f.opens, after)
	if len(f.openErrs) > 0 {
		err := f.openErrs[0]
		f.openErrs = f.openErrs[1:]
		return nil, err
	}
	var evs []eventstore.RecordedEvent
	for i, e := range f.log {
		if e.Position > after {
			evs = append(evs, f.log[max(0, i-f.replay):]...)
			break
		}
	}
	f.live++
	return &fakeStream{ctx: ctx, src: f, evs: evs, left: f.dropAfter}, nil
}

type fakeStream struct {
	ctx    context.Context
	src    *fakeSource
	evs    []eventstore.RecordedEvent
	left   int
	closed bool
}

func (s *fakeStream) Recv() (eventstore.RecordedEvent, error) {
	if s.src.dropAfter > 0 && s.left == 0 {
		return eventstore.RecordedEvent{}, errDropped
	}
	if len(s.evs) == 0 {
		<-s.ctx.Done()
		return eventstore.RecordedEvent{}, s.ctx.Err()
	}
	ev := s.evs[0]
	s.evs = s.evs[1:]
	s.left--
	return ev, nil
}

func (s *fakeStream) Close() {
	if s.closed {
		panic("stream closed twice")
	}
	s.closed = true
	s.src.mu.Lock()
	s.src.live--
	s.src.mu.Unlock()
}

// sleeps records the delays follow waits without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) bool {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err() == nil
}

func testPolicy(s *sleeps) retryPolicy {
	return retryPolicy{min: 100 * time.Millisecond, max: time.Second, sleep: s.sleep}
}

var discard = slog.New(slog.DiscardHandler)

// collect reads n events from follow, then cancels and returns the events
// and the final error.
func collect(t *testing.T, src subscriptionSource, after uint64, p retryPolicy, n int) ([]eventstore.RecordedEvent, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got []eventstore.RecordedEvent
	for ev, err := range follow(ctx, src, after, p, discard) {
		if err != nil {
			return got, err
		}
		got = append(got, ev)
		if len(got) == n {
			cancel()
		}
	}
	require.Fail(t, "follow stopped without an error")
	return nil, nil
}

func positions(evs []eventstore.RecordedEvent) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Position
	}
	return out
}

func TestFollowResubscribesWithoutGapOrDuplicate(t *testing.T) {
	src := &fakeSource{log: newLog(10), dropAfter: 3}
	var s sleeps
	got, err := collect(t, src, 0, testPolicy(&s), 10)
	require.ErrorIs(t, err, context.Canceled, "final error")
	require.Equal(t, positions(src.log), positions(got), "positions")
	// Each resubscription starts from the last delivered position.
	assert.Equal(t, []uint64{0, 300, 600, 900}, src.opens, "opened from")
	// Every drop came after progress, so the delay stayed at the minimum.
	for _, d := range s.d {
		assert.Equal(t, 100*time.Millisecond, d, "delays %v: want all the minimum", s.d)
	}
	assert.Zero(t, src.live, "subscriptions left open")
}

func TestFollowStartsAfterPosition(t *testing.T) {
	src := &fakeSource{log: newLog(5)}
	got, err := collect(t, src, 300, testPolicy(&sleeps{}), 2)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []uint64{400, 500}, positions(got), "positions")
}

func TestFollowSkipsRepeatedEvents(t *testing.T) {
	// A source that starts each subscription two events early.
	src := &fakeSource{log: newLog(8), dropAfter: 4, replay: 2}
	got, err := collect(t, src, 0, testPolicy(&sleeps{}), 8)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, positions(src.log), positions(got), "positions")
}

func TestFollowBackoffCapsAndResets(t *testing.T) {
	src := &fakeSource{log: newLog(4), dropAfter: 2}
	for range 6 {
		src.openErrs = append(src.openErrs, errDropped)
	}
	var s sleeps
	got, err := collect(t, src, 0, testPolicy(&s), 4)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, got, 4, "events")
	ms := time.Millisecond
	// Six failed opens double the delay up to the cap; the drop after the
	// first two events resets it.
	want := []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second, 100 * ms}
	assert.Equal(t, want, s.d, "delays")
}

func TestFollowStopsWhenCtxEndsDuringBackoff(t *testing.T) {
	src := &fakeSource{openErrs: []error{errDropped, errDropped}}
	ctx, cancel := context.WithCancel(t.Context())
	p := retryPolicy{min: time.Hour, max: time.Hour, sleep: func(ctx context.Context, d time.Duration) bool {
		cancel()
		return sleepCtx(ctx, d)
	}}
	var errs []error
	for _, err := range follow(ctx, src, 0, p, discard) {
		errs = append(errs, err)
	}
	if assert.Len(t, errs, 1, "errors yielded") {
		assert.ErrorIs(t, errs[0], context.Canceled)
	}
	assert.Len(t, src.opens, 1, "subscriptions opened")
}

func TestFollowStopsOnPermanentError(t *testing.T) {
	src := &fakeSource{openErrs: []error{eventstore.ErrClosed}}
	var s sleeps
	var errs []error
	for _, err := range follow(t.Context(), src, 0, testPolicy(&s), discard) {
		errs = append(errs, err)
	}
	if assert.Len(t, errs, 1, "errors yielded") {
		assert.ErrorIs(t, errs[0], eventstore.ErrClosed)
	}
	assert.Empty(t, s.d, "slept before giving up")
}

func TestFollowConsumerBreakClosesSubscription(t *testing.T) {
	src := &fakeSource{log: newLog(5)}
	n := 0
	for _, err := range follow(t.Context(), src, 0, testPolicy(&sleeps{}), discard) {
		require.NoError(t, err)
		if n++; n == 2 {
			break
		}
	}
	assert.Zero(t, src.live, "subscriptions open after break")
	assert.Len(t, src.opens, 1, "subscriptions opened")
}

func TestFollowSleepsTheJitteredDelay(t *testing.T) {
	src := &fakeSource{log: newLog(1), openErrs: []error{errDropped, errDropped, errDropped}}
	var s sleeps
	p := testPolicy(&s)
	p.jitter = func(d time.Duration) time.Duration { return d / 4 }
	_, err := collect(t, src, 0, p, 1)
	require.ErrorIs(t, err, context.Canceled)
	ms := time.Millisecond
	// The delay still doubles; what is slept is its jittered part.
	want := []time.Duration{25 * ms, 50 * ms, 100 * ms}
	assert.Equal(t, want, s.d, "delays")
}

func TestEqualJitterStaysWithinTheDelay(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := equalJitter(time.Second)
		require.GreaterOrEqual(t, d, time.Second/2, "equalJitter(1s)")
		require.LessOrEqual(t, d, time.Second, "equalJitter(1s)")
		seen[d] = true
	}
	assert.Greater(t, len(seen), 1, "equalJitter(1s) returned %v every time: no jitter", seen)
	assert.Zero(t, equalJitter(0), "equalJitter(0)")
}
