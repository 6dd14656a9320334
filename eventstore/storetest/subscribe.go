package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
				if _, err := s.Append(context.Background(), streams[w], eventstore.Exact(uint64(i)), newEvent(i)); !assert.NoError(t, err, "Append") {
				}
			}
		})
	}
	phase1.Wait()
	go func() {
		wg.Wait()
		// Written last, so the subscriber knows it has seen everything.
		if _, err := s.Append(context.Background(), end, eventstore.NoStream, newEvent(0)); !assert.NoError(t, err, "Append") {
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
		require.Greater(t, ev.Position, last, "Subscribe: positions increase")
		last = ev.Position
		if !mine[ev.StreamID] {
			continue
		}
		require.False(t, seen[ev.ID], "Subscribe: event %s twice", ev.ID)
		seen[ev.ID] = true
		require.Equal(t, versions[ev.StreamID]+1, ev.Version, "Subscribe: stream %s's next version", ev.StreamID)
		versions[ev.StreamID] = ev.Version
		if len(seen) == 1 {
			close(received)
		}
		if ev.StreamID == end {
			// A store may still yield events it read before it notices.
			cancel()
		}
	}
	oneErr(t, errs, context.Canceled, "Subscribe after cancel")
	require.Len(t, seen, writers*perWriter+1, "our events Subscribe yielded")
	for _, stream := range streams {
		require.Equal(t, uint64(perWriter), versions[stream], "Subscribe yielded stream %s up to version", stream)
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
		require.NoError(t, err, "Subscribe")
		if ev.StreamID != stream {
			continue
		}
		n++
		require.Equal(t, uint64(n), ev.Version, "Subscribe: version")
		if n == rounds {
			break
		}
		mustAppend(t, s, stream, eventstore.Exact(uint64(n)), newEvent(n))
	}
	require.Equal(t, rounds, n, "events before Subscribe stopped")
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
	oneErr(t, errs, context.Canceled, "live Subscribe after cancel")

	errs = nil
	for _, err := range s.Subscribe(ctx, start) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	oneErr(t, errs, context.Canceled, "Subscribe with an ended ctx")
}
