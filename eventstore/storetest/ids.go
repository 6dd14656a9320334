package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// testIDInAnotherStream checks that an event ID belongs to one stream for
// good: proposed to another stream, alone, with others or with another
// payload, and whatever the expected version, it is ErrDuplicateID and
// that stream stays as it was. (cadena derives event IDs from idempotency
// keys, so this is what makes a key reused for another hand-off a
// conflict on every backend.)
func testIDInAnotherStream(t *testing.T, h Harness) {
	s := newStore(t, h)
	ctx := t.Context()
	stream := newStream("ids")
	stored := newEvents(2)
	orig := mustAppend(t, s, stream, eventstore.NoStream, stored...)

	other := newStream("ids-other")
	changed := stored[1]
	changed.Data = []byte(`{"changed":true}`)
	cases := []struct {
		name   string
		events []eventstore.EventData
	}{
		{"the same append", stored},
		{"its second event alone", stored[1:]},
		{"a new ID, then a stored one", []eventstore.EventData{newEvent(7), stored[0]}},
		{"a stored ID, then a new one", []eventstore.EventData{stored[0], newEvent(8)}},
		{"a stored ID with another payload", []eventstore.EventData{changed}},
	}
	for _, tc := range cases {
		for _, expected := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(2)} {
			_, err := s.Append(ctx, other, expected, tc.events...)
			wantErr(t, tc.name+" in another stream", err, eventstore.ErrDuplicateID)
		}
	}
	checkStream(t, s, other, nil)

	// The stream the IDs belong to still takes their retry.
	got, err := s.Append(ctx, stream, eventstore.Any, stored...)
	require.NoError(t, err, "retry after the refusals")
	require.Equal(t, orig, got, "retry after the refusals")
	checkStream(t, s, stream, stored)

	if h.Reopen != nil {
		s = h.Reopen(t, s)
		t.Cleanup(func() { _ = s.Close() })
		_, err := s.Append(ctx, other, eventstore.Any, stored[0])
		wantErr(t, "a stored ID in another stream after reopening", err, eventstore.ErrDuplicateID)
		checkStream(t, s, other, nil)
	}
}

// testIDRace races appends of one new event ID to different streams:
// exactly one stream gets it.
func testIDRace(t *testing.T, h Harness) {
	const writers = 4
	s := newStore(t, h)
	ev := newEvent(0)
	streams := make([]string, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		streams[w] = newStream("ids-race")
		wg.Go(func() {
			<-start
			_, errs[w] = s.Append(context.Background(), streams[w], eventstore.NoStream, ev)
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for w, err := range errs {
		switch {
		case err == nil:
			require.Negative(t, winner, "streams %d and %d both took event %s", winner, w, ev.ID)
			winner = w
		default:
			require.ErrorIs(t, err, eventstore.ErrDuplicateID, "writer %d", w)
		}
	}
	require.GreaterOrEqual(t, winner, 0, "no stream took event %s", ev.ID)
	for w, stream := range streams {
		if w == winner {
			checkStream(t, s, stream, []eventstore.EventData{ev})
		} else {
			checkStream(t, s, stream, nil)
		}
	}
}
