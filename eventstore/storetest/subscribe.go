package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

// testSubscribe subscribes from an old position while writers keep
// appending, before, during and after catch-up, and checks every event
// arrives once, in order.
func testSubscribe(t *testing.T, h Harness) {
	const writers, perWriter = 3, 40
	s := newStore(t, h)
	start := head(t, s)
	mine := map[string]bool{}
	streams := make([]string, writers)
	for w := range streams {
		streams[w] = newStream("sub")
		mine[streams[w]] = true
	}
	end := newStream("sub-end")
	mine[end] = true

	// Writers append half their events before the subscription starts and
	// the rest once it has received its first event.
	received := make(chan struct{})
	var wg sync.WaitGroup
	var phase1 sync.WaitGroup
	for w := range writers {
		phase1.Add(1)
		wg.Go(func() {
			for i := range perWriter {
				if i == perWriter/2 {
					phase1.Done()
					<-received
				}
				if _, err := s.Append(context.Background(), streams[w], eventstore.Exact(uint64(i)), newEvent(i)); err != nil {
					t.Errorf("Append: %v", err)
				}
			}
		})
	}
	phase1.Wait()
	go func() {
		wg.Wait()
		// Written last, so the subscriber knows it has seen everything.
		if _, err := s.Append(context.Background(), end, eventstore.NoStream, newEvent(0)); err != nil {
			t.Errorf("Append: %v", err)
		}
	}()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	seen := map[string]bool{}
	versions := map[string]uint64{}
	var last uint64
	var errs []error
	for ev, err := range s.Subscribe(ctx, start) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ev.Position <= last {
			t.Fatalf("Subscribe: position %d after %d", ev.Position, last)
		}
		last = ev.Position
		if !mine[ev.StreamID] {
			continue
		}
		if seen[ev.ID] {
			t.Fatalf("Subscribe: event %s twice", ev.ID)
		}
		seen[ev.ID] = true
		if ev.Version != versions[ev.StreamID]+1 {
			t.Fatalf("Subscribe: stream %s version %d after %d", ev.StreamID, ev.Version, versions[ev.StreamID])
		}
		versions[ev.StreamID] = ev.Version
		if len(seen) == 1 {
			close(received)
		}
		if ev.StreamID == end {
			// A store may still yield events it read before it notices.
			cancel()
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("Subscribe after cancel yielded errors %v, want context.Canceled once", errs)
	}
	if len(seen) != writers*perWriter+1 {
		t.Fatalf("Subscribe yielded %d of our events, want %d", len(seen), writers*perWriter+1)
	}
	for _, stream := range streams {
		if versions[stream] != perWriter {
			t.Fatalf("Subscribe yielded stream %s up to version %d, want %d", stream, versions[stream], perWriter)
		}
	}
}

// testSubscribeCallsAppend appends from inside the loop over a
// subscription: a store holds no lock between two yields.
func testSubscribeCallsAppend(t *testing.T, h Harness) {
	const rounds = 5
	s := newStore(t, h)
	start := head(t, s)
	stream := newStream("sub-append")
	mustAppend(t, s, stream, eventstore.NoStream, newEvent(0))
	n := 0
	for ev, err := range s.Subscribe(t.Context(), start) {
		if err != nil {
			t.Fatalf("Subscribe: %v", err)
		}
		if ev.StreamID != stream {
			continue
		}
		n++
		if ev.Version != uint64(n) {
			t.Fatalf("Subscribe: version %d, want %d", ev.Version, n)
		}
		if n == rounds {
			break
		}
		mustAppend(t, s, stream, eventstore.Exact(uint64(n)), newEvent(n))
	}
	if n != rounds {
		t.Fatalf("Subscribe stopped after %d events, want %d", n, rounds)
	}
}

// testSubscribeCancel ends a live subscription, and one whose ctx has
// ended before it starts.
func testSubscribeCancel(t *testing.T, h Harness) {
	s := newStore(t, h)
	start := head(t, s)
	stream := newStream("sub-cancel")
	mustAppend(t, s, stream, eventstore.NoStream, newEvent(0))

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var errs []error
	for ev, err := range s.Subscribe(ctx, start) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ev.StreamID == stream {
			go cancel() // while the subscription waits for more
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("live Subscribe after cancel yielded errors %v, want context.Canceled once", errs)
	}

	errs = nil
	for _, err := range s.Subscribe(ctx, start) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("Subscribe with an ended ctx yielded errors %v, want context.Canceled once", errs)
	}
}
