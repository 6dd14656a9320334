package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// testBatch checks eventstore.AppendBatch: the store's own AppendBatch
// when it has one, else the fallback of one Append after the other.
func testBatch(t *testing.T, h Harness) {
	s := newStore(t, h)
	ctx := t.Context()
	a, b, c := newStream("batch-a"), newStream("batch-b"), newStream("batch-c")
	a1, a2, b1, b2, c1, c2 := newEvents(2), newEvents(1), newEvents(1), newEvents(3), newEvents(1), newEvents(1)
	batch := []eventstore.StreamAppend{
		{Stream: a, Expected: eventstore.NoStream, Events: a1},
		{Stream: b, Expected: eventstore.NoStream, Events: b1},
		{Stream: a, Expected: eventstore.Exact(2), Events: a2}, // sees the first append
		{Stream: c, Expected: eventstore.Exact(5), Events: c1}, // wrong version
		{Stream: c, Expected: eventstore.NoStream, Events: c2}, // right, but after a rejected one
		{Stream: b, Expected: eventstore.Exact(1), Events: b2},
		{Stream: newStream("batch-empty"), Expected: eventstore.Any}, // no events
	}
	before := head(t, s)
	res, err := eventstore.AppendBatch(ctx, s, batch)
	require.NoError(t, err, "AppendBatch")
	require.Len(t, res, len(batch), "AppendBatch results: one per append")
	wantVersion := []uint64{2, 1, 3, 0, 0, 4, 0}
	for i, r := range res {
		if wantVersion[i] == 0 {
			continue
		}
		require.NoError(t, r.Err, "append %d", i)
		require.Equal(t, wantVersion[i], r.Version, "append %d: version", i)
		if i > 0 && res[i-1].Err == nil {
			require.Greater(t, r.Position, res[i-1].Position, "append %d's position: in batch order", i)
		}
	}
	wantErr(t, "append with a wrong version", res[3].Err, eventstore.ErrWrongVersion)
	wantErr(t, "append after a rejected one", res[4].Err, eventstore.ErrEarlierFailed)
	wantErr(t, "append after a rejected one", res[4].Err, eventstore.ErrWrongVersion)
	wantErr(t, "append of no events", res[6].Err, eventstore.ErrEmptyAppend)
	checkStream(t, s, a, append(append([]eventstore.EventData{}, a1...), a2...))
	checkStream(t, s, b, append(append([]eventstore.EventData{}, b1...), b2...))
	checkStream(t, s, c, nil)
	own := readOwn(t, s, before, map[string]bool{a: true, b: true, c: true})
	require.Len(t, own, 7, "events of the batch in the global log")
	require.Equal(t, []string{a, b, a, b}, []string{own[0].StreamID, own[2].StreamID, own[3].StreamID, own[4].StreamID},
		"the global log holds the batch's events in its order")

	// The same batch again is an idempotent retry of every accepted append.
	mid := head(t, s)
	again, err := eventstore.AppendBatch(ctx, s, batch)
	require.NoError(t, err, "AppendBatch again")
	for _, i := range []int{0, 1, 2, 5} {
		require.NoError(t, again[i].Err, "append %d again", i)
		require.Equal(t, res[i].AppendResult, again[i].AppendResult, "append %d again: want the first result", i)
	}
	require.Equal(t, mid, head(t, s), "the batch again moved the head")

	// After: an append decided upon a rejected one is rejected too.
	d, e, f := newStream("batch-d"), newStream("batch-e"), newStream("batch-f")
	res, err = eventstore.AppendBatch(ctx, s, []eventstore.StreamAppend{
		{Stream: d, Expected: eventstore.Exact(3), Events: newEvents(1)},                  // rejected
		{Stream: e, Expected: eventstore.NoStream, Events: newEvents(1), After: []int{0}}, // depends on it
		{Stream: f, Expected: eventstore.NoStream, Events: newEvents(1)},
		{Stream: f, Expected: eventstore.Exact(1), Events: newEvents(1), After: []int{2}}, // depends on an accepted one
		{Stream: e, Expected: eventstore.NoStream, Events: newEvents(1)},                  // after a rejected append to e
	})
	require.NoError(t, err, "AppendBatch with After")
	wantErr(t, "append with a wrong version", res[0].Err, eventstore.ErrWrongVersion)
	wantErr(t, "append after a rejected one it depends on", res[1].Err, eventstore.ErrEarlierFailed)
	wantErr(t, "append to a stream after its rejected append", res[4].Err, eventstore.ErrEarlierFailed)
	require.NoError(t, res[2].Err, "first append to f")
	require.NoError(t, res[3].Err, "second append to f")
	require.Equal(t, uint64(2), res[3].Version, "second append to f: version")
	checkStream(t, s, e, nil)

	res, err = eventstore.AppendBatch(ctx, s, nil)
	require.NoError(t, err, "an empty batch")
	require.Empty(t, res, "an empty batch's results")
}
