package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// testReopen closes a store and opens its data again: everything is kept,
// versions and positions continue, and retries still find their appends.
func testReopen(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("the harness cannot reopen a store")
	}
	s := h.New(t)
	start := head(t, s)
	streams := []string{newStream("reopen"), newStream("reopen")}
	mine := map[string]bool{streams[0]: true, streams[1]: true}
	first := newEvents(3)
	res := mustAppend(t, s, streams[0], eventstore.NoStream, first...)
	mustAppend(t, s, streams[1], eventstore.NoStream, newEvents(2)...)
	mustAppend(t, s, streams[0], eventstore.Exact(3), newEvent(3))
	before := readOwn(t, s, start, mine)
	lastPos := before[len(before)-1].Position

	for range 2 {
		s = h.Reopen(t, s)
		after := readOwn(t, s, start, mine)
		require.Len(t, after, len(before), "our events in the log after reopen")
		for i, ev := range after {
			want := before[i]
			require.Equal(t, want.ID, ev.ID, "after reopen event %d", i)
			require.Equal(t, want.Position, ev.Position, "after reopen event %d's position", i)
			require.True(t, ev.RecordedAt.Equal(want.RecordedAt), "after reopen event %d recorded %v, want %v", i, ev.RecordedAt, want.RecordedAt)
			checkEvent(t, ev, eventstore.EventData{ID: want.ID, Type: want.Type, Data: want.Data, Metadata: want.Metadata}, want.StreamID, want.Version)
		}
		require.GreaterOrEqual(t, head(t, s), lastPos, "Head after reopen")
		got, err := s.Append(t.Context(), streams[0], eventstore.NoStream, first...)
		require.NoError(t, err, "retry after reopen")
		require.Equal(t, res, got, "retry after reopen")
	}
	next := mustAppend(t, s, streams[0], eventstore.Exact(4), newEvent(4))
	require.Equal(t, uint64(5), next.Version, "append after reopen: version")
	require.Greater(t, next.Position, lastPos, "append after reopen: position")
	require.NoError(t, s.Close(), "Close")
}

// testClosed checks that every call on a closed store returns ErrClosed.
func testClosed(t *testing.T, h Harness) {
	s := newStore(t, h)
	stream := newStream("closed")
	mustAppend(t, s, stream, eventstore.NoStream, newEvent(0))
	require.NoError(t, s.Close(), "Close")
	ctx := t.Context()
	_, err := s.Append(ctx, stream, eventstore.Any, newEvent(1))
	wantErr(t, "Append after Close", err, eventstore.ErrClosed)
	_, err = s.Head(ctx)
	wantErr(t, "Head after Close", err, eventstore.ErrClosed)
	wantErr(t, "Close after Close", s.Close(), eventstore.ErrClosed)
	reads := map[string]func() []error{
		"ReadStream": func() []error { return errorsOf(s.ReadStream(ctx, stream, 0)) },
		"ReadAll":    func() []error { return errorsOf(s.ReadAll(ctx, 0)) },
		"Subscribe":  func() []error { return errorsOf(s.Subscribe(ctx, 0)) },
	}
	for name, read := range reads {
		errs := read()
		oneErr(t, errs, eventstore.ErrClosed, "%s after Close", name)
	}
}

// errorsOf drains an iterator; an event counts as a nil error.
func errorsOf(seq func(func(eventstore.RecordedEvent, error) bool)) []error {
	var errs []error
	for _, err := range seq {
		errs = append(errs, err)
	}
	return errs
}

// testCloseStopsSubscription closes a store under a live subscription.
func testCloseStopsSubscription(t *testing.T, h Harness) {
	s := newStore(t, h)
	start := head(t, s)
	stream := newStream("close-sub")
	mustAppend(t, s, stream, eventstore.NoStream, newEvent(0))
	live := make(chan struct{})
	done := make(chan []error)
	go func() {
		var errs []error
		for ev, err := range s.Subscribe(t.Context(), start) {
			if err != nil {
				errs = append(errs, err)
			} else if ev.StreamID == stream {
				close(live)
			}
		}
		done <- errs
	}()
	<-live
	require.NoError(t, s.Close(), "Close")
	errs := <-done
	oneErr(t, errs, eventstore.ErrClosed, "Subscribe during Close")
}
