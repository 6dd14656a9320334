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
// Event IDs are random, so writing each to a B-tree as it is committed
// would dirty a page at a random place of the ids bucket per event, and
// the commit would write and fsync that page. Instead the IDs of recent
// events are kept in memory and written to the bucket in bulk, once
// flushAt of them have gathered, inside an ordinary commit. The meta
// bucket records up to which position the bucket is complete; Open reads
// the IDs of the events after it back from the log.
type idIndex struct {
	recent  map[[16]byte]uint64 // committed, not yet in the bucket
	fresh   map[[16]byte]uint64 // written by the transaction in progress
	flushAt int
	flushed bool // the transaction in progress wrote recent to the bucket
}

// idsFlushAt is the default number of recent IDs kept in memory: about
// 3 MiB of map.
const idsFlushAt = 1 << 15

func newIDIndex(flushAt int) *idIndex {
	return &idIndex{
		recent:  make(map[[16]byte]uint64),
		fresh:   make(map[[16]byte]uint64),
		flushAt: flushAt,
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
		x.recent[[16]byte(v[recordFixedLen:recordHeaderLen])] = binary.BigEndian.Uint64(k)
	}
	return nil
}

// begin starts a transaction that will commit the events up to head and
// more. If enough IDs have gathered, it writes them to the bucket.
func (x *idIndex) begin(tx *bbolt.Tx, head uint64) error {
	clear(x.fresh)
	x.flushed = false
	if len(x.recent) < x.flushAt {
		return nil
	}
	keys := make([][16]byte, 0, len(x.recent))
	for id := range x.recent {
		keys = append(keys, id)
	}
	// In key order, each page of the bucket is visited once.
	slices.SortFunc(keys, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	ids := tx.Bucket(bucketIDs)
	for _, id := range keys {
		if err := ids.Put(bytes.Clone(id[:]), u64(x.recent[id])); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketMeta).Put(keyIndexed, u64(head)); err != nil {
		return err
	}
	x.flushed = true
	return nil
}

// lookup returns the position of id, or 0 if it is not stored; ids is the
// ids bucket of the transaction in progress.
func (x *idIndex) lookup(ids *bbolt.Bucket, id [16]byte) uint64 {
	if pos, ok := x.fresh[id]; ok {
		return pos
	}
	if pos, ok := x.recent[id]; ok {
		return pos
	}
	if v := ids.Get(id[:]); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// add records an ID written by the transaction in progress.
func (x *idIndex) add(id [16]byte, pos uint64) { x.fresh[id] = pos }

// committed takes in the transaction once it is durable.
func (x *idIndex) committed() {
	if x.flushed {
		clear(x.recent)
	}
	for id, pos := range x.fresh {
		x.recent[id] = pos
	}
	clear(x.fresh)
	x.flushed = false
}

// rolledBack forgets the transaction in progress.
func (x *idIndex) rolledBack() {
	clear(x.fresh)
	x.flushed = false
}
