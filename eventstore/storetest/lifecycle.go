package storetest

import (
	"errors"
	"testing"

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
		if len(after) != len(before) {
			t.Fatalf("after reopen the log holds %d of our events, want %d", len(after), len(before))
		}
		for i, ev := range after {
			want := before[i]
			if ev.ID != want.ID || ev.Position != want.Position || !ev.RecordedAt.Equal(want.RecordedAt) {
				t.Fatalf("after reopen event %d = %s at %d recorded %v, want %s at %d recorded %v",
					i, ev.ID, ev.Position, ev.RecordedAt, want.ID, want.Position, want.RecordedAt)
			}
			checkEvent(t, ev, eventstore.EventData{ID: want.ID, Type: want.Type, Data: want.Data, Metadata: want.Metadata}, want.StreamID, want.Version)
		}
		if h := head(t, s); h < lastPos {
			t.Fatalf("after reopen Head = %d, want at least %d", h, lastPos)
		}
		if got, err := s.Append(t.Context(), streams[0], eventstore.NoStream, first...); err != nil || got != res {
			t.Fatalf("retry after reopen = %+v, %v; want %+v, nil", got, err, res)
		}
	}
	next := mustAppend(t, s, streams[0], eventstore.Exact(4), newEvent(4))
	if next.Version != 5 || next.Position <= lastPos {
		t.Fatalf("append after reopen = %+v, want version 5 and a position after %d", next, lastPos)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// testClosed checks that every call on a closed store returns ErrClosed.
func testClosed(t *testing.T, h Harness) {
	s := newStore(t, h)
	stream := newStream("closed")
	mustAppend(t, s, stream, eventstore.NoStream, newEvent(0))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
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
		if len(errs) != 1 || !errors.Is(errs[0], eventstore.ErrClosed) {
			t.Fatalf("%s after Close yielded %v, want one ErrClosed and nothing else", name, errs)
		}
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
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if errs := <-done; len(errs) != 1 || !errors.Is(errs[0], eventstore.ErrClosed) {
		t.Fatalf("Subscribe during Close yielded errors %v, want ErrClosed once", errs)
	}
}
