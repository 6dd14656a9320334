package storetest

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		require.Len(t, got, len(evs)-int(after), "ReadStream after %d", after)
		for i, ev := range got {
			checkEvent(t, ev, evs[int(after)+i], stream, after+uint64(i)+1)
		}
	}
	for _, after := range []uint64{7, 8, 1000} {
		require.Empty(t, readStream(t, s, stream, after), "ReadStream after %d", after)
	}
	require.Empty(t, readStream(t, s, newStream("missing"), 0), "ReadStream of a missing stream")

	// Breaking out of the loop is fine, and the caller owns what it got.
	for ev, err := range s.ReadStream(t.Context(), stream, 0) {
		require.NoError(t, err)
		ev.Data[0] = 'X'
		break
	}
	checkStream(t, s, stream, evs)
	require.Equal(t, byte('{'), all[0].Data[0], "a read changed the data of an event yielded earlier")
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
				if !assert.NoError(t, err, "Append") {
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
		require.Greater(t, ev.Position, start, "global log: position at index %d, read after %d", i, start)
		if i > 0 {
			require.Greater(t, ev.Position, log[i-1].Position, "global log: position at index %d", i)
		}
		byID[ev.ID] = i
	}
	total := 0
	for w := range writers {
		var prev uint64
		for _, a := range results[w] {
			total += len(a.events)
			first, ok := byID[a.events[0].ID]
			require.True(t, ok, "event %s missing from the global log", a.events[0].ID)
			for j, e := range a.events {
				require.True(t, first+j < len(log) && log[first+j].ID == e.ID, "the events of one append are not together and in order in the global log")
				checkEvent(t, log[first+j], e, streams[w], a.res.Version-uint64(len(a.events)-1-j))
			}
			last := log[first+len(a.events)-1]
			require.Equal(t, last.Position, a.res.Position, "append result position, against its last event's in the log")
			require.Greater(t, last.Position, prev, "an append that started after another returned has an earlier position")
			prev = last.Position
		}
	}
	require.Len(t, log, total, "our events in the global log")

	// after is exclusive.
	got := readOwn(t, s, log[0].Position, mine)
	require.Len(t, got, len(log)-1, "ReadAll after %d", log[0].Position)
	require.Equal(t, log[1].ID, got[0].ID, "ReadAll after %d starts with the next event", log[0].Position)
}

func testHead(t *testing.T, h Harness) {
	s := newStore(t, h)
	before := head(t, s)
	res := mustAppend(t, s, newStream("head"), eventstore.NoStream, newEvents(2)...)
	require.Greater(t, res.Position, before, "append position, against the Head before")
	require.GreaterOrEqual(t, head(t, s), res.Position, "Head after an append")
	// ReadAll from just before the append ends at or after it.
	var last uint64
	for ev, err := range s.ReadAll(t.Context(), res.Position-1) {
		require.NoError(t, err)
		last = ev.Position
	}
	require.GreaterOrEqual(t, last, res.Position, "where ReadAll after %d ended", res.Position-1)
}
