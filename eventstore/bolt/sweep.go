package bolt

import (
	"slices"
	"strings"
)

// headSweep is the head index's choice of the heads a flush writes: the
// next flushStep pending streams in key order after a cursor, wrapping
// around the key space, rather than the streams of the oldest appends.
// With stream IDs spread over the key space (random hand-off IDs) the
// streams of the oldest appends are spread over the whole bucket, and a
// flush of k of them into a bucket of P pages rewrote about P(1-e^(-k/P))
// pages, one a head once P is much larger than k; a run of k of the C
// pending streams in key order lies on about P*k/C pages. With
// time-ordered or counting IDs key order is position order, and the sweep
// takes the oldest appends as before.
//
// A pass of the cursor visits every pending stream; a head that has been
// pending for maxAge events is written at the next flush whatever the
// cursor, so the bucket stays complete up to a recent position and Open
// reads back about maxAge events at most.
//
// The committer alone uses it.
type headSweep struct {
	keys     []string          // the pending streams (those of recent) in key order, but for arrivals
	arrivals []string          // the streams that became pending since keys was last merged
	firstAt  map[string]uint64 // the position (order's) of each pending stream's first unwritten append
	cursor   string            // the last stream the sweep wrote
	swept    bool              // cursor is set
	done     uint64            // the position the bucket is complete up to (keyHeads)

	// The transaction in progress.
	picked     []int  // the indexes in keys of the streams it writes
	nextCursor string // cursor once it is committed
	nextDone   uint64 // done once it is committed
}

// maxAge is how many events a head may stay pending before a flush
// writes it whatever the cursor: twice flushAt, about the length of a
// pass when every append starts a stream.
func (x *headIndex) maxAge() uint64 { return 2 * uint64(x.flushAt) }

// dueSweep reports whether the next commit, after the one ending at head,
// flushes: once flushAt streams are pending, or the oldest pending append
// is maxAge events old.
func (x *headIndex) dueSweep(head uint64) bool {
	if len(x.recent) >= x.flushAt {
		return true
	}
	return len(x.order) > 0 && head-x.order[0].pos >= x.maxAge()
}

// pick chooses the streams the next flush writes, in key order: the
// flushStep after the cursor (when flushAt are pending) and those of the
// appends older than maxAge-flushStep events. It returns them and sets
// picked, nextCursor and nextDone.
func (x *headIndex) pick(head uint64) []string {
	x.mergeArrivals()
	step := x.flushStep()
	x.picked, x.nextCursor = x.picked[:0], x.cursor
	if n := len(x.keys); len(x.recent) >= x.flushAt && n > 0 {
		i := 0
		if x.swept {
			i, _ = slices.BinarySearch(x.keys, x.cursor)
			if i < n && x.keys[i] == x.cursor {
				i++
			}
		}
		for range min(step, n) {
			x.picked = append(x.picked, i%n)
			i++
		}
		x.nextCursor = x.keys[(i-1)%n]
	}
	if old := x.maxAge() - min(x.maxAge(), uint64(step)); head > old {
		for _, e := range x.order {
			if e.pos > head-old {
				break
			}
			if x.firstAt[e.stream] == e.pos {
				if i, ok := slices.BinarySearch(x.keys, e.stream); ok {
					x.picked = append(x.picked, i)
				}
			}
		}
	}
	slices.Sort(x.picked)
	x.picked = slices.Compact(x.picked)
	streams := make([]string, len(x.picked))
	for j, i := range x.picked {
		streams[j] = x.keys[i]
	}
	x.nextDone = x.doneAfter(streams)
	return streams
}

// doneAfter returns the position the bucket is complete up to once the
// heads of streams (in key order) are written, and sets flushed to the
// number of appends at the front of order that are then written: those
// of streams written before, or by this flush. Positions are dense, so
// the bucket then holds every head up to the last of them.
func (x *headIndex) doneAfter(streams []string) uint64 {
	i := 0
	for ; i < len(x.order); i++ {
		e := x.order[i]
		if x.firstAt[e.stream] == e.pos {
			if _, written := slices.BinarySearch(streams, e.stream); !written {
				break
			}
		}
	}
	x.flushed = i
	if i == 0 {
		return x.done
	}
	return x.order[i-1].pos
}

// mergeArrivals merges the sorted arrivals into keys, from the back, in
// place.
func (x *headIndex) mergeArrivals() {
	m := len(x.arrivals)
	if m == 0 {
		return
	}
	slices.Sort(x.arrivals)
	n := len(x.keys)
	x.keys = slices.Grow(x.keys, m)[:n+m]
	i, j := n-1, m-1
	for w := n + m - 1; j >= 0; w-- {
		if i >= 0 && strings.Compare(x.keys[i], x.arrivals[j]) > 0 {
			x.keys[w] = x.keys[i]
			i--
		} else {
			x.keys[w] = x.arrivals[j]
			j--
		}
	}
	clear(x.arrivals)
	x.arrivals = x.arrivals[:0]
}

// dropPicked removes the committed flush's streams from keys: a run
// from the front is cut off without moving the others (time-ordered IDs).
func (x *headIndex) dropPicked() {
	p := x.picked
	if len(p) == 0 {
		return
	}
	if p[0] == 0 && p[len(p)-1] == len(p)-1 {
		clear(x.keys[:len(p)])
		x.keys = x.keys[len(p):]
		return
	}
	w := p[0]
	for j, i := range p {
		end := len(x.keys)
		if j+1 < len(p) {
			end = p[j+1]
		}
		w += copy(x.keys[w:], x.keys[i+1:end])
	}
	clear(x.keys[w:])
	x.keys = x.keys[:w]
}
