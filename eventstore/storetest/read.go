package storetest

import (
	"sync"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

func testReadStream(t *testing.T, h Harness) {
	s := newStore(t, h)
	stream := newStream("read")
	evs := newEvents(7)
	mustAppend(t, s, stream, eventstore.NoStream, evs[:3]...)
	mustAppend(t, s, newStream("read-other"), eventstore.NoStream, newEvent(0))
	mustAppend(t, s, stream, eventstore.Exact(3), evs[3:]...)
	all := checkStream(t, s, stream, evs)

	for _, after := range []uint64{1, 3, 6} {
		got := readStream(t, s, stream, after)
		if len(got) != len(evs)-int(after) {
			t.Fatalf("ReadStream after %d: %d events, want %d", after, len(got), len(evs)-int(after))
		}
		for i, ev := range got {
			checkEvent(t, ev, evs[int(after)+i], stream, after+uint64(i)+1)
		}
	}
	for _, after := range []uint64{7, 8, 1000} {
		if got := readStream(t, s, stream, after); len(got) != 0 {
			t.Fatalf("ReadStream after %d: %d events, want none", after, len(got))
		}
	}
	if got := readStream(t, s, newStream("missing"), 0); len(got) != 0 {
		t.Fatalf("ReadStream of a missing stream: %d events, want none", len(got))
	}

	// Breaking out of the loop is fine, and the caller owns what it got.
	for ev, err := range s.ReadStream(t.Context(), stream, 0) {
		if err != nil {
			t.Fatal(err)
		}
		ev.Data[0] = 'X'
		break
	}
	checkStream(t, s, stream, evs)
	if all[0].Data[0] != '{' {
		t.Fatal("a read changed the data of an event yielded earlier")
	}
}

// testGlobalOrder appends from several goroutines and checks the global
// log against the results: positions strictly increase, each append's
// events are together and in order, and what one goroutine appended later
// comes later.
func testGlobalOrder(t *testing.T, h Harness) {
	const writers, appends = 4, 15
	s := newStore(t, h)
	start := head(t, s)
	streams := make([]string, writers)
	mine := map[string]bool{}
	for w := range streams {
		streams[w] = newStream("global")
		mine[streams[w]] = true
	}
	type appended struct {
		events []eventstore.EventData
		res    eventstore.AppendResult
	}
	results := make([][]appended, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range appends {
				evs := newEvents(1 + i%3)
				res, err := s.Append(t.Context(), streams[w], eventstore.Any, evs...)
				if err != nil {
					t.Errorf("Append: %v", err)
					return
				}
				results[w] = append(results[w], appended{evs, res})
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	log := readOwn(t, s, start, mine)
	byID := map[string]int{}
	for i, ev := range log {
		if ev.Position <= start || i > 0 && ev.Position <= log[i-1].Position {
			t.Fatalf("global log: position %d at index %d after %d (read after %d)", ev.Position, i, log[max(i-1, 0)].Position, start)
		}
		byID[ev.ID] = i
	}
	total := 0
	for w := range writers {
		var prev uint64
		for _, a := range results[w] {
			total += len(a.events)
			first, ok := byID[a.events[0].ID]
			if !ok {
				t.Fatalf("event %s missing from the global log", a.events[0].ID)
			}
			for j, e := range a.events {
				if first+j >= len(log) || log[first+j].ID != e.ID {
					t.Fatalf("the events of one append are not together and in order in the global log")
				}
				checkEvent(t, log[first+j], e, streams[w], a.res.Version-uint64(len(a.events)-1-j))
			}
			last := log[first+len(a.events)-1]
			if last.Position != a.res.Position {
				t.Fatalf("append result position %d, the log holds its last event at %d", a.res.Position, last.Position)
			}
			if last.Position <= prev {
				t.Fatalf("an append that started after another returned has an earlier position")
			}
			prev = last.Position
		}
	}
	if len(log) != total {
		t.Fatalf("global log holds %d of our events, want %d", len(log), total)
	}

	// after is exclusive.
	if got := readOwn(t, s, log[0].Position, mine); len(got) != len(log)-1 || got[0].ID != log[1].ID {
		t.Fatalf("ReadAll after %d does not start with the next event", log[0].Position)
	}
}

func testHead(t *testing.T, h Harness) {
	s := newStore(t, h)
	before := head(t, s)
	res := mustAppend(t, s, newStream("head"), eventstore.NoStream, newEvents(2)...)
	if res.Position <= before {
		t.Fatalf("append at position %d, Head was already %d", res.Position, before)
	}
	if got := head(t, s); got < res.Position {
		t.Fatalf("Head = %d after an append at position %d", got, res.Position)
	}
	// ReadAll from just before the append ends at or after it.
	var last uint64
	for ev, err := range s.ReadAll(t.Context(), res.Position-1) {
		if err != nil {
			t.Fatal(err)
		}
		last = ev.Position
	}
	if last < res.Position {
		t.Fatalf("ReadAll after %d ended at %d", res.Position-1, last)
	}
}
