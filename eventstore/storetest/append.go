package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

func testExpectedVersion(t *testing.T, h Harness) {
	s := newStore(t, h)
	ctx := t.Context()
	stream := newStream("version")
	var stored []eventstore.EventData
	appendOK := func(expected eventstore.ExpectedVersion, n int) {
		t.Helper()
		evs := newEvents(n)
		res := mustAppend(t, s, stream, expected, evs...)
		stored = append(stored, evs...)
		require.Equal(t, uint64(len(stored)), res.Version, "Append(%d) version", expected)
	}
	appendWrong := func(expected eventstore.ExpectedVersion) {
		t.Helper()
		_, err := s.Append(ctx, stream, expected, newEvent(0))
		wantErr(t, "Append with a wrong expected version", err, eventstore.ErrWrongVersion)
	}

	appendWrong(eventstore.Exact(1)) // the stream does not exist yet
	appendOK(eventstore.NoStream, 1)
	appendWrong(eventstore.NoStream)
	appendWrong(eventstore.Exact(0))
	appendWrong(eventstore.Exact(2))
	appendOK(eventstore.Exact(1), 2)
	appendWrong(eventstore.Exact(1))
	appendOK(eventstore.Any, 1)
	appendOK(eventstore.Exact(4), 1)
	checkStream(t, s, stream, stored)

	other := newStream("version-any")
	res := mustAppend(t, s, other, eventstore.Any, newEvent(0))
	require.Equal(t, uint64(1), res.Version, "Append(Any) to a new stream: version")
	res = mustAppend(t, s, newStream("version-exact0"), eventstore.Exact(0), newEvent(0))
	require.Equal(t, uint64(1), res.Version, "Append(Exact(0)) to a new stream: version")
}

// testConcurrentSameVersion races appends with the same expected version:
// exactly one wins each round and the stream holds its events only.
func testConcurrentSameVersion(t *testing.T, h Harness) {
	const writers, rounds, perAppend = 8, 10, 3
	s := newStore(t, h)
	stream := newStream("race")
	var want []eventstore.EventData
	for round := range rounds {
		expected := eventstore.Exact(uint64(round * perAppend))
		batches := make([][]eventstore.EventData, writers)
		errs := make([]error, writers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			batches[w] = newEvents(perAppend)
			wg.Go(func() {
				<-start
				_, errs[w] = s.Append(context.Background(), stream, expected, batches[w]...)
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			switch {
			case err == nil:
				require.Negative(t, winner, "round %d: writers %d and %d both appended at version %d", round, winner, w, expected)
				winner = w
			default:
				require.ErrorIs(t, err, eventstore.ErrWrongVersion, "round %d: writer %d", round, w)
			}
		}
		require.GreaterOrEqual(t, winner, 0, "round %d: no writer appended at version %d", round, expected)
		want = append(want, batches[winner]...)
	}
	checkStream(t, s, stream, want)
}

func testAtomicAppend(t *testing.T, h Harness) {
	s := newStore(t, h)
	stream := newStream("atomic")
	evs := newEvents(5)
	res := mustAppend(t, s, stream, eventstore.NoStream, evs...)
	got := checkStream(t, s, stream, evs)
	require.Equal(t, eventstore.AppendResult{Version: 5, Position: got[4].Position}, res, "Append result")

	// A rejected multi-event append writes none of its events.
	bad := newEvents(3)
	bad[2].Data = []byte(`{not json`)
	_, err := s.Append(t.Context(), stream, eventstore.Any, bad...)
	wantErr(t, "Append with an invalid third event", err, eventstore.ErrInvalidEvent)
	_, err = s.Append(t.Context(), stream, eventstore.Exact(4), newEvents(3)...)
	wantErr(t, "Append with a wrong version", err, eventstore.ErrWrongVersion)
	checkStream(t, s, stream, evs)
	// Its valid events were not stored: they can be appended now.
	more := append(bad[:2:2], newEvent(2))
	mustAppend(t, s, stream, eventstore.Exact(5), more...)
	checkStream(t, s, stream, append(evs, more...))
}

func testIdempotentRetry(t *testing.T, h Harness) {
	s := newStore(t, h)
	ctx := t.Context()
	stream := newStream("retry")
	first := newEvents(3)
	res := mustAppend(t, s, stream, eventstore.NoStream, first...)
	later := newEvent(9)
	mustAppend(t, s, stream, eventstore.Exact(3), later)
	all := append(first[:3:3], later)
	before := head(t, s)

	// The same events again, whatever the expected version, return the
	// original result and append nothing.
	for _, expected := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Exact(3), eventstore.Exact(4), eventstore.Any, eventstore.Exact(100)} {
		got, err := s.Append(ctx, stream, expected, first...)
		require.NoError(t, err, "retry with expected %d", expected)
		require.Equal(t, res, got, "retry with expected %d", expected)
	}
	// A single-event append retried alone.
	got, err := s.Append(ctx, stream, eventstore.NoStream, later)
	require.NoError(t, err, "retry of the single event")
	require.Equal(t, uint64(4), got.Version, "retry of the single event: version")
	checkStream(t, s, stream, all)
	require.GreaterOrEqual(t, head(t, s), before, "Head went back")

	changed := first[1]
	changed.Data = []byte(`{"changed":true}`)
	_, err = s.Append(ctx, stream, eventstore.Any, changed)
	wantErr(t, "same ID, different data", err, eventstore.ErrDuplicateID)
	changed = first[1]
	changed.Type = "storetest.other.v1"
	_, err = s.Append(ctx, stream, eventstore.Any, changed)
	wantErr(t, "same ID, different type", err, eventstore.ErrDuplicateID)
	_, err = s.Append(ctx, newStream("retry-other"), eventstore.Any, first...)
	wantErr(t, "same IDs, another stream", err, eventstore.ErrDuplicateID)
	_, err = s.Append(ctx, stream, eventstore.Any, first[0], newEvent(1))
	wantErr(t, "a stored ID with a new one", err, eventstore.ErrDuplicateID)
	_, err = s.Append(ctx, stream, eventstore.Any, first[1], first[0], first[2])
	wantErr(t, "stored IDs in another order", err, eventstore.ErrDuplicateID)
	checkStream(t, s, stream, all)
}

func testValidation(t *testing.T, h Harness) {
	s := newStore(t, h)
	ctx := t.Context()
	stream := newStream("valid")
	huge := newEvent(0)
	huge.Data = []byte(`"` + strings.Repeat("x", eventstore.MaxEventSize) + `"`)
	tests := []struct {
		name   string
		stream string
		events []eventstore.EventData
		want   error
	}{
		{"no events", stream, nil, eventstore.ErrEmptyAppend},
		{"event over 1 MiB", stream, []eventstore.EventData{newEvent(0), huge}, eventstore.ErrEventTooLarge},
		{"empty stream ID", "", []eventstore.EventData{newEvent(0)}, eventstore.ErrInvalidStream},
		{"stream ID too long", strings.Repeat("s", eventstore.MaxStreamIDLen+1), []eventstore.EventData{newEvent(0)}, eventstore.ErrInvalidStream},
		{"control character", stream + "\n", []eventstore.EventData{newEvent(0)}, eventstore.ErrInvalidStream},
		{"NUL", stream + "\x00", []eventstore.EventData{newEvent(0)}, eventstore.ErrInvalidStream},
		{"invalid UTF-8", stream + "\xff", []eventstore.EventData{newEvent(0)}, eventstore.ErrInvalidStream},
		{"bad event ID", stream, []eventstore.EventData{{ID: "1", Type: "t.v1", Data: []byte(`{}`)}}, eventstore.ErrInvalidEvent},
		{"same ID twice", stream, func() []eventstore.EventData { e := newEvent(0); return []eventstore.EventData{e, e} }(), eventstore.ErrInvalidEvent},
	}
	for _, tt := range tests {
		_, err := s.Append(ctx, tt.stream, eventstore.Any, tt.events...)
		wantErr(t, tt.name, err, tt.want)
		if tt.stream == stream {
			checkStream(t, s, stream, nil)
		}
	}

	// The limits themselves are allowed.
	atLimit := newEvent(0)
	atLimit.Metadata = nil
	atLimit.Data = []byte(`"` + strings.Repeat("x", eventstore.MaxEventSize-2) + `"`)
	mustAppend(t, s, stream, eventstore.NoStream, atLimit)
	long := strings.Repeat("s", eventstore.MaxStreamIDLen-len(stream)) + stream
	ev := newEvent(0)
	mustAppend(t, s, long, eventstore.NoStream, ev)
	checkStream(t, s, long, []eventstore.EventData{ev})
	checkStream(t, s, stream, []eventstore.EventData{atLimit})
}
