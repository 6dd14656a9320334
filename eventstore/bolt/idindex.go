package bolt

import (
	"bytes"
	"encoding/binary"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// idIndex finds the position of a stored event ID. Only the committer
// uses it.
//
// Writing each ID to the B-tree of the ids bucket as it is committed would
// dirty a page of the bucket per commit or more, and the commit would
// write and fsync those pages. Instead the IDs of recent events are kept
// in memory and written to the bucket in bulk, in key order, inside
// ordinary commits: once flushAt of them have gathered, a commit writes
// the oldest ones, flushStep of them or more (flushPolicy). IDs
// from eventstore.NewID are time-ordered, so a flush appends them at the
// right edge of the tree; random IDs land on pages all over it. The meta
// bucket records up to which position the bucket is complete; Open reads
// the IDs of the events after it back from the log.
type idIndex struct {
	recent   map[[16]byte]uint64 // committed, not yet in the bucket
	order    []idEntry           // recent, by position
	fresh    map[[16]byte]uint64 // written by the transaction in progress
	freshIDs []idEntry           // fresh, by position
	flushPolicy
	flushed int // how many of order the transaction in progress wrote to the bucket
}

type idEntry struct {
	id  [16]byte
	pos uint64
}

// idsFlushAt is the default number of recent IDs kept in memory: about
// 4 MiB of map and list.
const idsFlushAt = 1 << 15

func newIDIndex(flushAt, step int) *idIndex {
	return &idIndex{
		recent:      make(map[[16]byte]uint64),
		fresh:       make(map[[16]byte]uint64),
		flushPolicy: flushPolicy{flushAt: flushAt, step: step}, // step: Options.IDsFlush
	}
}

// load fills recent from the log after the position the bucket is
// complete up to.
func (x *idIndex) load(tx *bbolt.Tx) error {
	var indexed uint64
	if v := tx.Bucket(bucketMeta).Get(keyIndexed); len(v) == 8 {
		indexed = binary.BigEndian.Uint64(v)
	}
	c := tx.Bucket(bucketLog).Cursor()
	for k, v := c.Seek(u64(indexed + 1)); k != nil; k, v = c.Next() {
		if len(v) < recordHeaderLen {
			return errCorrupt
		}
		e := idEntry{id: [16]byte(v[recordFixedLen:recordHeaderLen]), pos: binary.BigEndian.Uint64(k)}
		x.recent[e.id] = e.pos
		x.order = append(x.order, e)
	}
	return nil
}

// begin starts a transaction. If enough IDs have gathered, it writes the
// oldest ones to the bucket, down to flushAt-flushStep left in memory.
func (x *idIndex) begin(tx *bbolt.Tx) error {
	x.rolledBack()
	n := x.due(len(x.order))
	if n == 0 {
		return nil
	}
	keys := slices.Clone(x.order[:n])
	// In key order, each page of the bucket is visited once.
	slices.SortFunc(keys, func(a, b idEntry) int { return bytes.Compare(a.id[:], b.id[:]) })
	ids := tx.Bucket(bucketIDs)
	for _, e := range keys {
		if err := ids.Put(bytes.Clone(e.id[:]), u64(e.pos)); err != nil {
			return err
		}
	}
	// Every event up to the newest one written is in the bucket: the
	// list is in position order and positions are dense.
	if err := tx.Bucket(bucketMeta).Put(keyIndexed, u64(x.order[n-1].pos)); err != nil {
		return err
	}
	x.flushed = n
	return nil
}

// flushAll writes every recent ID to the bucket, in key order, and
// empties recent: for Close, when a bulk load kept many more than the
// default in memory (Options.RecentIDs), so that the next Open neither
// reads them back from the log nor writes them in its first commit.
func (x *idIndex) flushAll(tx *bbolt.Tx) error {
	if len(x.order) == 0 {
		return nil
	}
	keys := slices.Clone(x.order)
	slices.SortFunc(keys, func(a, b idEntry) int { return bytes.Compare(a.id[:], b.id[:]) })
	ids := tx.Bucket(bucketIDs)
	for i := range keys {
		if err := ids.Put(keys[i].id[:], u64(keys[i].pos)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyIndexed, u64(x.order[len(x.order)-1].pos))
}

// lookup returns the position of id, or 0 if it is not stored; ids is the
// ids bucket of the transaction in progress.
func (x *idIndex) lookup(ids valueGetter, id [16]byte) uint64 {
	if pos, ok := x.fresh[id]; ok {
		return pos
	}
	if pos, ok := x.recent[id]; ok {
		return pos
	}
	var v []byte
	if g, ok := ids.(getter); ok {
		v = g.Get(id[:]) // through the concrete type id stays on the stack
	} else {
		key := id // a copy escapes through the interface, not id
		v = ids.Get(key[:])
	}
	if len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// add records an ID written by the transaction in progress.
func (x *idIndex) add(id [16]byte, pos uint64) {
	x.fresh[id] = pos
	x.freshIDs = append(x.freshIDs, idEntry{id, pos})
}

// committed takes in the transaction once it is durable.
func (x *idIndex) committed() {
	for _, e := range x.order[:x.flushed] {
		delete(x.recent, e.id)
	}
	for _, e := range x.freshIDs {
		x.recent[e.id] = e.pos
	}
	x.order = append(dropFlushed(x.order, x.flushed), x.freshIDs...)
	x.rolledBack()
}

// rolledBack forgets the transaction in progress.
func (x *idIndex) rolledBack() {
	clear(x.fresh)
	x.freshIDs = x.freshIDs[:0]
	x.flushed = 0
}
