package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	bbolt "go.etcd.io/bbolt"
)

// headIndex holds the heads (version, position of the last event) of the
// streams appended to recently, in front of the heads bucket.
//
// Writing each head to the B-tree of the heads bucket as it is committed
// dirties a leaf page of the bucket for every new stream (POST
// /api/v1/handoffs starts one a request), and the commit writes and
// fsyncs those pages: with stream IDs spread over the key space, the
// largest part of a commit's cost after the log itself. Instead the heads of recent appends are kept in memory and
// written to the bucket in bulk, in key order, inside ordinary commits, as
// the ID index does with event IDs: once flushAt streams are pending, a
// commit writes the heads of the next flushStep of them in key order
// after a cursor (headSweep, sweep.go), and any head pending for maxAge
// events. The meta bucket records the position up to which the bucket is
// complete (keyHeads); Open reads the heads of the events after it back
// from the log. A file without that key (written before it existed) has
// every head in its bucket.
//
// The committer alone changes the index. Readers take the committed heads
// under mu, with the position they describe, before they begin their
// read transaction: a transaction begun later holds every event those
// heads point at, and a head missing from memory is in the bucket (a
// flush is committed before its heads leave memory).
type headIndex struct {
	mu     sync.RWMutex
	recent map[string]streamHeadAt // committed, not yet in the bucket; written under mu
	at     uint64                  // the position recent describes; written under mu

	// The committer's own.
	order   []headEntry             // the appends behind recent, by position
	fresh   map[string]streamHeadAt // written by the transaction in progress
	freshIn []headEntry             // its appends, by position
	// freshVersions holds the version each append of freshIn left its
	// stream at, so that committed takes the heads from the list, not
	// with a look-up of fresh for each.
	freshVersions []uint64
	flushPolicy
	headSweep
	flushed int  // how many of order the transaction in progress wrote to the bucket
	marked  bool // keyHeads is in the file
}

// streamHeadAt is a stream's version and the position of its last event.
type streamHeadAt struct{ version, last uint64 }

// headEntry is one append: its stream and the position of its last event.
type headEntry struct {
	stream string
	pos    uint64
}

// headsFlushAt is the default number of recent appends whose heads are
// kept in memory: about 4 MiB for short stream IDs.
const headsFlushAt = 1 << 15

func newHeadIndex(flushAt int) *headIndex {
	return &headIndex{
		recent:      make(map[string]streamHeadAt),
		fresh:       make(map[string]streamHeadAt),
		flushPolicy: flushPolicy{flushAt: flushAt},
		headSweep:   headSweep{firstAt: make(map[string]uint64)},
	}
}

// load fills recent from the log after the position the bucket is
// complete up to; head is the last position of the log.
func (x *headIndex) load(tx *bbolt.Tx, head uint64) error {
	x.at = head
	complete := head
	switch v := tx.Bucket(bucketMeta).Get(keyHeads); {
	case len(v) == 8:
		complete = binary.BigEndian.Uint64(v)
		x.marked = true
	case v != nil:
		// Taking the bucket as complete could lose heads.
		return fmt.Errorf("%w: meta key %s holds %d bytes", errCorrupt, keyHeads, len(v))
	}
	c := tx.Bucket(bucketLog).Cursor()
	for k, v := c.Seek(u64(complete + 1)); k != nil; k, v = c.Next() {
		name, ok := recordStream(v)
		if !ok {
			return errCorrupt
		}
		pos := binary.BigEndian.Uint64(k)
		if n := len(x.order); n > 0 && x.order[n-1].stream == string(name) {
			x.order[n-1].pos = pos // one entry for a run of the same stream
		} else {
			x.order = append(x.order, headEntry{string(name), pos})
		}
		// The key is the entry's copy, never the memory map's bytes.
		x.recent[x.order[len(x.order)-1].stream] = streamHeadAt{recordVersion(v), pos}
	}
	x.done = complete
	for _, e := range x.order {
		if _, ok := x.firstAt[e.stream]; !ok {
			x.firstAt[e.stream] = e.pos
			x.keys = append(x.keys, e.stream)
		}
	}
	slices.Sort(x.keys)
	return nil
}

// adopt takes the state of y, read from the file again after a failed
// commit.
func (x *headIndex) adopt(y *headIndex) {
	x.mu.Lock()
	x.recent, x.at = y.recent, y.at
	x.mu.Unlock()
	x.order, x.marked, x.headSweep = y.order, y.marked, y.headSweep
	x.rolledBack()
}

// begin starts a transaction; head is the last committed position. The
// first transaction of a file without keyHeads records that the bucket is
// complete up to head. If a flush is due (dueSweep), it writes the heads
// of the streams pick chooses, in key order, and the position the bucket
// is then complete up to.
func (x *headIndex) begin(tx *bbolt.Tx, head uint64) error {
	x.rolledBack()
	if !x.marked {
		if err := tx.Bucket(bucketMeta).Put(keyHeads, u64(head)); err != nil {
			return err
		}
	}
	if !x.dueSweep(head) {
		return nil
	}
	streams := x.pick(head)
	heads := tx.Bucket(bucketHeads)
	if len(streams) > 0 {
		fillAfterLast(heads, []byte(streams[0]))
	}
	// One allocation holds every value, which bbolt keeps until the
	// commit; the key is one buffer, which bbolt copies.
	values := make([]byte, 0, 16*len(streams))
	var key []byte
	for _, stream := range streams {
		h := x.recent[stream]
		n := len(values)
		values = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(values, h.version), h.last)
		key = append(key[:0], stream...)
		if err := heads.Put(key, values[n:n+16:n+16]); err != nil {
			return err
		}
	}
	if x.nextDone != x.done || !x.marked {
		return tx.Bucket(bucketMeta).Put(keyHeads, u64(x.nextDone))
	}
	return nil
}

// sample writes the latest heads of the streams of every
// sampleEvery-th recent append to the bucket, ahead of flushAll, as the
// ID index's sample does: heads newer than the meta bucket's cut are
// allowed there (see headAt).
func (x *headIndex) sample(tx *bbolt.Tx) error {
	streams := make([]string, 0, len(x.order)/sampleEvery+1)
	for i := 0; i < len(x.order); i += sampleEvery {
		streams = append(streams, x.order[i].stream)
	}
	slices.Sort(streams)
	heads := tx.Bucket(bucketHeads)
	for _, stream := range slices.Compact(streams) {
		h, ok := x.recent[stream]
		if !ok {
			continue // in the bucket already
		}
		if err := heads.Put([]byte(stream), encodeHead(h)); err != nil {
			return err
		}
	}
	return nil
}

// headRecord is a key and value of the heads bucket.
type headRecord struct{ key, value []byte }

// sortedHeads encodes the heads of recent and sorts them by stream in a
// goroutine of its own, for flushAll (Close, once the committer stopped),
// while the ID index is written: the channel gives them once.
func (x *headIndex) sortedHeads() <-chan []headRecord {
	out := make(chan []headRecord, 1)
	go func() {
		size := 0
		for stream := range x.recent {
			size += len(stream) + 16
		}
		block := make([]byte, 0, size) // one allocation for every key and value
		recs := make([]headRecord, 0, len(x.recent))
		for stream, h := range x.recent {
			n := len(block)
			block = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(append(block, stream...), h.version), h.last)
			recs = append(recs, headRecord{block[n : n+len(stream) : n+len(stream)], block[n+len(stream) : len(block) : len(block)]})
		}
		slices.SortFunc(recs, func(a, b headRecord) int { return bytes.Compare(a.key, b.key) })
		out <- recs
	}()
	return out
}

// flushAll writes every recent head to the bucket, in key order (as
// sortedHeads gives them): for Close, when a bulk load kept many more
// than the default in memory.
func (x *headIndex) flushAll(tx *bbolt.Tx, sorted <-chan []headRecord) error {
	recs := <-sorted
	if len(recs) == 0 {
		return nil
	}
	heads := tx.Bucket(bucketHeads)
	heads.FillPercent = 1 // the keys come in order: full pages, half as many
	for _, r := range recs {
		if err := heads.Put(r.key, r.value); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyHeads, u64(x.at))
}

// get returns the head of stream for the committer, reading the bucket of
// the transaction in progress when memory does not have it.
func (x *headIndex) get(heads *lazyGetter, stream string) streamHeadAt {
	if h, ok := x.fresh[stream]; ok {
		return h
	}
	if h, ok := x.recent[stream]; ok {
		return h
	}
	return getterHead(heads.getter(), stream)
}

// set records the head left by an append of the transaction in progress.
func (x *headIndex) set(stream string, h streamHeadAt) {
	x.fresh[stream] = h
	x.freshIn = append(x.freshIn, headEntry{stream, h.last})
	x.freshVersions = append(x.freshVersions, h.version)
}

// committed takes in the transaction once it is durable; head is its last
// position.
func (x *headIndex) committed(head uint64) {
	x.mu.Lock()
	// The heads a flush wrote leave memory: no append of this
	// transaction is in recent yet.
	for _, i := range x.picked {
		delete(x.recent, x.keys[i])
	}
	// By the list of the transaction's appends, not by ranging over
	// fresh: ranging over a map visits all of its room, which the largest
	// batch ever committed left there. A stream appended to twice takes
	// the later head, as fresh holds it.
	for i, e := range x.freshIn {
		if _, ok := x.recent[e.stream]; !ok {
			x.arrivals = append(x.arrivals, e.stream)
		}
		x.recent[e.stream] = streamHeadAt{x.freshVersions[i], e.pos}
	}
	x.at = head
	x.mu.Unlock()
	for _, i := range x.picked {
		delete(x.firstAt, x.keys[i])
	}
	for _, e := range x.freshIn {
		if _, ok := x.firstAt[e.stream]; !ok {
			x.firstAt[e.stream] = e.pos
		}
	}
	if len(x.picked) > 0 {
		x.dropPicked()
		x.cursor, x.swept = x.nextCursor, true
	}
	if x.flushed > 0 {
		x.done = x.nextDone
	}
	x.order = append(dropFlushed(x.order, x.flushed), x.freshIn...)
	x.marked = true
	x.rolledBack()
}

// rolledBack forgets the transaction in progress.
func (x *headIndex) rolledBack() {
	for _, e := range x.freshIn { // as committed does: clear would visit all of the map's room
		delete(x.fresh, e.stream)
	}
	x.freshIn, x.freshVersions = x.freshIn[:0], x.freshVersions[:0]
	x.flushed, x.picked = 0, x.picked[:0]
}

// committedHeads returns, for a reader, the committed heads of streams
// that memory holds (ok[i] false where the bucket has it) and the
// position they describe. Call it before beginning the read transaction
// and resolve the others with headAt.
func (x *headIndex) committedHeads(streams ...string) (heads []streamHeadAt, ok []bool, at uint64) {
	heads, ok = make([]streamHeadAt, len(streams)), make([]bool, len(streams))
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i, stream := range streams {
		heads[i], ok[i] = x.recent[stream]
	}
	return heads, ok, x.at
}

// committedHead is committedHeads for one stream.
func (x *headIndex) committedHead(stream string) (h streamHeadAt, ok bool, at uint64) {
	x.mu.RLock()
	h, ok = x.recent[stream]
	at = x.at
	x.mu.RUnlock()
	return h, ok, at
}

// headAt returns the head of stream as of position at from the heads
// bucket of tx, for a stream memory did not hold at that position. A flush
// committed since may have written a newer head: the stream's chain of
// events leads back to the one wanted.
func headAt(tx *bbolt.Tx, heads valueGetter, stream string, at uint64) (streamHeadAt, error) {
	h := bucketHead(heads, stream)
	if h.last <= at {
		return h, nil
	}
	log := tx.Bucket(bucketLog)
	for h.last > at {
		rec := log.Get(u64(h.last))
		if len(rec) < recordHeaderLen || recordVersion(rec) != h.version || h.version == 0 {
			return streamHeadAt{}, fmt.Errorf("%w: stream %q has no version %d at position %d", errCorrupt, stream, h.version, h.last)
		}
		h = streamHeadAt{h.version - 1, recordPrev(rec)}
	}
	return h, nil
}

// bucketHead reads the head of stream from the heads bucket, zeros if it
// has none.
func bucketHead(heads valueGetter, stream string) streamHeadAt {
	if g, ok := heads.(getter); ok { // the committer's and readers'
		return getterHead(g, stream)
	}
	return decodeHead(heads.Get([]byte(stream)))
}

// getterHead is bucketHead through a getter: through the concrete type the
// key stays on the stack (through the interface it is copied to the heap,
// an allocation per new stream's append).
func getterHead(g getter, stream string) streamHeadAt {
	var key [128]byte
	return decodeHead(g.Get(append(key[:0], stream...)))
}

// decodeHead decodes a value of the heads bucket, zeros for none.
func decodeHead(v []byte) streamHeadAt {
	if len(v) != 16 {
		return streamHeadAt{}
	}
	return streamHeadAt{binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])}
}

func encodeHead(h streamHeadAt) []byte {
	return binary.BigEndian.AppendUint64(u64(h.version), h.last)
}
