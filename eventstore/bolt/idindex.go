package bolt

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sort"

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
	// recent and ascending hold the IDs not yet in the bucket: those
	// committed, and those the transaction in progress wrote (fresh),
	// which a rollback takes out again. An ID above the last one of
	// ascending goes there, which keeps it sorted by ID as it is by
	// position: it is searched by bisection, appended to, and cut at the
	// front by a flush, without a map's insert and delete for each ID
	// (every ID of eventstore.NewID goes there, also after random ones;
	// in a map of 262,144 the pair cost more than any other part of the
	// committer's own bookkeeping). The others (random IDs) go to the map.
	recent    map[[16]byte]uint64
	ascending []idEntry
	// ascendingAt is the length of ascending before the transaction in
	// progress.
	ascendingAt int
	order       []idEntry // the committed IDs, by position
	freshIDs    []idEntry // the IDs the transaction in progress wrote, by position
	flushPolicy
	flushed int // how many of order the transaction in progress wrote to the bucket
	// greatest is at least every stored ID, in the bucket's key order: an
	// ID above it is new, found without a miss in recent and a search of
	// the bucket. IDs from eventstore.NewID are time-ordered, so every new
	// one is. A rolled-back ID may leave it higher than needed, never
	// lower.
	greatest [16]byte
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
		x.remember(e)
		x.order = append(x.order, e)
	}
	x.ascendingAt = len(x.ascending)
	if b := tx.Bucket(bucketIDs); b != nil {
		if k, _ := b.Cursor().Last(); len(k) == 16 {
			x.raise([16]byte(k))
		}
	}
	return nil
}

// raise makes greatest at least id.
func (x *idIndex) raise(id [16]byte) {
	if bytes.Compare(id[:], x.greatest[:]) > 0 {
		x.greatest = id
	}
}

// begin starts a transaction. If enough IDs have gathered, it writes the
// oldest ones to the bucket, down to flushAt-flushStep left in memory.
func (x *idIndex) begin(tx *bbolt.Tx) error {
	x.rolledBack()
	n := x.due(len(x.order))
	if n == 0 {
		return nil
	}
	keys := sortIDs(x.order[:n]) // in key order, each page of the bucket is visited once
	ids := tx.Bucket(bucketIDs)
	fillAfterLast(ids, keys[0].id[:])
	values := make([]byte, 0, 8*len(keys)) // one allocation for every value, which bbolt keeps until the commit
	for i := range keys {
		v := len(values)
		values = binary.BigEndian.AppendUint64(values, keys[i].pos)
		if err := ids.Put(keys[i].id[:], values[v:v+8:v+8]); err != nil {
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
// reads them back from the log nor writes them in its first commit. The
// IDs are sorted a part at a time by another goroutine while the part
// before is written (Close runs alone: the other core is idle).
func (x *idIndex) flushAll(tx *bbolt.Tx) error {
	if len(x.order) == 0 {
		return nil
	}
	ids := tx.Bucket(bucketIDs)
	ids.FillPercent = 1                       // the keys come in order: full pages, half as many
	values := make([]byte, 0, 8*len(x.order)) // one allocation for every value, which bbolt keeps until the commit
	for part := range sortedIDs(x.order) {
		for i := range part {
			n := len(values)
			values = binary.BigEndian.AppendUint64(values, part[i].pos)
			if err := ids.Put(part[i].id[:], values[n:n+8:n+8]); err != nil {
				return err
			}
		}
	}
	return tx.Bucket(bucketMeta).Put(keyIndexed, u64(x.order[len(x.order)-1].pos))
}

// sampleEvery is how far apart the keys sample writes are, in the order
// they were appended (random over the key range): about one a leaf page.
const sampleEvery = 128

// sample writes every sampleEvery-th recent ID to the bucket, ahead of
// flushAll, without recording the bucket as complete: a bucket that holds
// more IDs than the meta bucket says is as good as one that does not (Open
// reads them from the log again).
func (x *idIndex) sample(tx *bbolt.Tx) error {
	keys := make([]idEntry, 0, len(x.order)/sampleEvery+1)
	for i := 0; i < len(x.order); i += sampleEvery {
		keys = append(keys, x.order[i])
	}
	keys = sortIDs(keys)
	ids := tx.Bucket(bucketIDs)
	for i := range keys {
		if err := ids.Put(keys[i].id[:], u64(keys[i].pos)); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the position of id, or 0 if it is not stored; ids is the
// ids bucket of the transaction in progress.
func (x *idIndex) lookup(ids *lazyGetter, id [16]byte) uint64 { // a getter, not an interface: id stays on the stack
	if bytes.Compare(id[:], x.greatest[:]) > 0 {
		return 0 // above every stored ID
	}
	if pos, ok := x.inMemory(id); ok {
		return pos
	}
	if v := ids.getter().Get(id[:]); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// inMemory returns the position of id when memory holds it.
func (x *idIndex) inMemory(id [16]byte) (uint64, bool) {
	if pos, ok := x.recent[id]; ok {
		return pos, true
	}
	n := len(x.ascending)
	if n == 0 || bytes.Compare(id[:], x.ascending[n-1].id[:]) > 0 {
		return 0, false // above all of ascending: a new ID of eventstore.NewID
	}
	i, ok := slices.BinarySearchFunc(x.ascending, id, func(e idEntry, id [16]byte) int { return bytes.Compare(e.id[:], id[:]) })
	if !ok {
		return 0, false
	}
	return x.ascending[i].pos, true
}

// remember puts e in memory: in ascending when its ID is above the last
// one there, which keeps ascending sorted, in recent otherwise.
func (x *idIndex) remember(e idEntry) {
	x.raise(e.id)
	if n := len(x.ascending); n == 0 || bytes.Compare(e.id[:], x.ascending[n-1].id[:]) > 0 {
		x.ascending = append(x.ascending, e)
		return
	}
	x.recent[e.id] = e.pos
}

// add records an ID written by the transaction in progress.
func (x *idIndex) add(id [16]byte, pos uint64) {
	x.remember(idEntry{id, pos})
	x.freshIDs = append(x.freshIDs, idEntry{id, pos})
}

// committed takes in the transaction once it is durable.
func (x *idIndex) committed() {
	if x.flushed > 0 {
		for _, e := range x.order[:x.flushed] {
			delete(x.recent, e.id) // nothing to find for an ID of ascending: quick while recent is empty
		}
		// ascending is in position order too: the flushed ones are its
		// front.
		last := x.order[x.flushed-1].pos
		n := sort.Search(len(x.ascending), func(i int) bool { return x.ascending[i].pos > last })
		x.ascending = dropFlushed(x.ascending, n)
	}
	x.ascendingAt = len(x.ascending)
	x.order = append(dropFlushed(x.order, x.flushed), x.freshIDs...)
	x.freshIDs = x.freshIDs[:0]
	x.flushed = 0
}

// rolledBack forgets the transaction in progress: the IDs it wrote leave
// memory. greatest may stay above them, which only costs look-ups.
func (x *idIndex) rolledBack() {
	for _, e := range x.freshIDs {
		delete(x.recent, e.id)
	}
	x.ascending = x.ascending[:x.ascendingAt]
	x.freshIDs = x.freshIDs[:0]
	x.flushed = 0
}

// fillAfterLast makes the flush into b that starts at key, its least,
// fill whole pages when every key goes after the bucket's last one (IDs
// from eventstore.NewID are time-ordered, and so are stream IDs made from
// them): the puts then land at the right edge of the tree, where bbolt's
// default split leaves each page half full, twice the pages to write now
// and to rewrite at the next flush. Keys that land among stored ones keep
// the default, which leaves room for later puts there.
func fillAfterLast(b *bbolt.Bucket, key []byte) {
	if last, _ := b.Cursor().Last(); last == nil || bytes.Compare(key, last) > 0 {
		b.FillPercent = 1
	}
}
