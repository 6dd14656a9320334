package storetest

import (
	"testing"

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
	if err != nil {
		t.Fatalf("AppendBatch: %v", err)
	}
	if len(res) != len(batch) {
		t.Fatalf("AppendBatch gave %d results for %d appends", len(res), len(batch))
	}
	wantVersion := []uint64{2, 1, 3, 0, 0, 4, 0}
	for i, r := range res {
		if wantVersion[i] == 0 {
			continue
		}
		if r.Err != nil || r.Version != wantVersion[i] {
			t.Fatalf("append %d: version %d, error %v; want version %d", i, r.Version, r.Err, wantVersion[i])
		}
		if i > 0 && res[i-1].Err == nil && r.Position <= res[i-1].Position {
			t.Fatalf("append %d at position %d, after %d: not in batch order", i, r.Position, res[i-1].Position)
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
	if len(own) != 7 || own[0].StreamID != a || own[2].StreamID != b || own[3].StreamID != a || own[4].StreamID != b {
		t.Fatalf("global log holds %d events of the batch, not in its order", len(own))
	}

	// The same batch again is an idempotent retry of every accepted append.
	mid := head(t, s)
	again, err := eventstore.AppendBatch(ctx, s, batch)
	if err != nil {
		t.Fatalf("AppendBatch again: %v", err)
	}
	for _, i := range []int{0, 1, 2, 5} {
		if again[i].Err != nil || again[i].AppendResult != res[i].AppendResult {
			t.Fatalf("append %d again: %+v, error %v; want the first result %+v", i, again[i].AppendResult, again[i].Err, res[i].AppendResult)
		}
	}
	if got := head(t, s); got != mid {
		t.Fatalf("the batch again moved the head from %d to %d", mid, got)
	}

	// After: an append decided upon a rejected one is rejected too.
	d, e, f := newStream("batch-d"), newStream("batch-e"), newStream("batch-f")
	res, err = eventstore.AppendBatch(ctx, s, []eventstore.StreamAppend{
		{Stream: d, Expected: eventstore.Exact(3), Events: newEvents(1)},                  // rejected
		{Stream: e, Expected: eventstore.NoStream, Events: newEvents(1), After: []int{0}}, // depends on it
		{Stream: f, Expected: eventstore.NoStream, Events: newEvents(1)},
		{Stream: f, Expected: eventstore.Exact(1), Events: newEvents(1), After: []int{2}}, // depends on an accepted one
		{Stream: e, Expected: eventstore.NoStream, Events: newEvents(1)},                  // after a rejected append to e
	})
	if err != nil {
		t.Fatalf("AppendBatch with After: %v", err)
	}
	wantErr(t, "append with a wrong version", res[0].Err, eventstore.ErrWrongVersion)
	wantErr(t, "append after a rejected one it depends on", res[1].Err, eventstore.ErrEarlierFailed)
	wantErr(t, "append to a stream after its rejected append", res[4].Err, eventstore.ErrEarlierFailed)
	if res[2].Err != nil || res[3].Err != nil || res[3].Version != 2 {
		t.Fatalf("appends to f: %v, %v (version %d); want versions 1 and 2", res[2].Err, res[3].Err, res[3].Version)
	}
	checkStream(t, s, e, nil)

	if res, err := eventstore.AppendBatch(ctx, s, nil); err != nil || len(res) != 0 {
		t.Fatalf("an empty batch: %d results, error %v", len(res), err)
	}
}
