package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

// request is one Append waiting for the committer.
type request struct {
	groupcommit.Call[outcome]
	stream   string
	expected eventstore.ExpectedVersion
	ids      [][16]byte
	records  [][]byte // encoded by the appending goroutine, patched on commit
	size     int
	member   groupcommit.Member // its place in an AppendBatch; zero for a lone Append

	// The storage of ids and records for an append of one event (most
	// are), which saves two allocations.
	id1  [1][16]byte
	rec1 [1][]byte
}

type outcome struct {
	res eventstore.AppendResult
	err error
}

// Append adds events to stream atomically and returns once they are
// durable: its events are written by the committer goroutine in one bbolt
// transaction, and one fsync, with the appends queued alongside it.
//
// If ctx ends before the committer takes the append, Append returns
// ctx.Err() and nothing is written. Once taken, Append waits for the commit.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("bolt: append to %q: %w", stream, err)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	req := newRequest(stream, expected, events)

	// After a failed commit (s.writeErr) appends are still taken: each
	// commit tries the disk again. Once the store failed (s.failed) or
	// closed, the queue refuses them.
	if err := s.queue.Put(req); err != nil {
		return eventstore.AppendResult{}, err
	}
	o, err := s.queue.Wait(ctx, req)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return o.res, o.err
}

// newQueue returns the committer's queue: batches of at most maxBatch
// bytes of events, lingering as Options.Linger says.
func newQueue(maxBatch int, linger time.Duration) *groupcommit.Queue[outcome, *request] {
	return groupcommit.New[outcome](groupcommit.Options{MaxBatch: maxBatch, Linger: linger}, func(r *request) int { return r.size })
}

// newRequest encodes a validated append for the committer.
func newRequest(stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) *request {
	var a requestArena
	return a.newRequest(stream, expected, events)
}

// requestArena holds the requests of an AppendBatch and their records,
// made ahead in two allocations, not one for each request and event: the
// committer patches the records in place and bbolt keeps them until the
// commit, so each request has records of its own, and the arena lives as
// long as the batch's requests do.
type requestArena struct {
	reqs    []request
	records []byte
}

// newArena returns an arena with room for the requests and records of
// appends.
func newArena(appends []eventstore.StreamAppend) requestArena {
	size := 0
	for _, a := range appends {
		for _, e := range a.Events {
			size += recordCap(a.Stream, e)
		}
	}
	return requestArena{reqs: make([]request, len(appends)), records: make([]byte, 0, size)}
}

// newRequest is the package's newRequest from the arena's room, or from
// new allocations once that is used up.
func (a *requestArena) newRequest(stream string, expected eventstore.ExpectedVersion, events []eventstore.EventData) *request {
	var req *request
	if len(a.reqs) > 0 {
		req, a.reqs = &a.reqs[0], a.reqs[1:]
	} else {
		req = new(request)
	}
	req.stream, req.expected = stream, expected
	if len(events) == 1 {
		req.ids, req.records = req.id1[:], req.rec1[:]
	} else {
		req.ids, req.records = make([][16]byte, len(events)), make([][]byte, len(events))
	}
	for i, e := range events {
		req.ids[i] = parseID(e.ID)
		n := recordCap(stream, e)
		if cap(a.records)-len(a.records) < n {
			a.records = make([]byte, 0, n)
		}
		start := len(a.records)
		a.records = appendRecord(a.records, req.ids[i], stream, e)
		req.records[i] = a.records[start:len(a.records):len(a.records)] // appending to one cannot touch the next
		req.size += len(req.records[i])
	}
	return req
}

// commit settles a batch in one read-write transaction. Each append is
// decided against the state left by the ones before it and then written in
// full, or not at all, so a rejected append never fails the others.
//
// A commit that fails to write or sync answers every append of the batch
// with an error wrapping eventstore.ErrUnavailable and leaves the store
// taking appends: the next batch tries again (see cannotWrite).
func (s *Store) commit(batch []*request) {
	start := time.Now()
	s.mu.Lock()
	failed := s.failed
	head := s.head
	s.mu.Unlock()
	if failed != nil {
		answerAll(batch, failed)
		return
	}
	out, events, next, err := s.write(batch, head)
	var ce commitError
	switch {
	case errors.As(err, &ce):
		size := 0
		for _, req := range batch {
			size += req.size
		}
		answerAll(batch, s.cannotWrite(ce.err, size))
		return
	case err != nil:
		answerAll(batch, err)
		return
	}
	if events > 0 {
		s.ids.committed()
		s.heads.committed(next - 1)
		s.wrote()
		s.publish(next - 1)
		if s.onCommit != nil {
			s.onCommit(CommitStats{Appends: len(batch), Events: events, Duration: time.Since(start)})
		}
	}
	for i, req := range batch {
		req.Answer(out[i])
	}
}

// commitError is a failed bbolt commit: a write or sync error.
type commitError struct{ err error }

func (e commitError) Error() string { return e.err.Error() }

// answerAll answers every append of batch with err.
func answerAll(batch []*request, err error) {
	for _, req := range batch {
		req.Answer(outcome{err: err})
	}
}

// write decides the batch and commits what it accepts, holding the file
// for reading so that it is not opened again meanwhile. It returns the
// outcome of each append, the number of events written and the position
// after the last one; an error fails the whole batch, and a commitError
// says the transaction could not be made durable.
func (s *Store) write(batch []*request, head uint64) ([]outcome, int, uint64, error) {
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	tx, err := s.db.Begin(true)
	if err != nil {
		s.fail(err)
		return nil, 0, 0, fmt.Errorf("bolt: begin commit: %w", err)
	}
	w := writer{
		log:   tx.Bucket(bucketLog),
		ids:   s.ids,
		heads: s.heads,
		next:  head + 1,
		at:    s.clock().UTC(),
		key:   &s.key,
	}
	w.headsGet, w.idsGet = lazyGetter{tx: tx, name: bucketHeads}, lazyGetter{tx: tx, name: bucketIDs}
	w.log.FillPercent = 1.0
	rollback := func() {
		_ = tx.Rollback() // ErrTxClosed when bbolt already rolled back a failed commit
		s.ids.rolledBack()
		s.heads.rolledBack()
	}
	if err := s.ids.begin(tx); err != nil {
		rollback()
		return nil, 0, 0, fmt.Errorf("bolt: write ID index: %w", err)
	}
	if err := s.heads.begin(tx, head); err != nil {
		rollback()
		return nil, 0, 0, fmt.Errorf("bolt: write stream heads: %w", err)
	}
	// The outcomes are copied into the answers before the next commit.
	out := slices.Grow(s.outs[:0], len(batch))[:len(batch)]
	s.outs = out
	events := 0
	for i, req := range batch {
		res, n, err := w.apply(req)
		if err != nil && n < 0 {
			// A write failed: drop the whole transaction, which leaves
			// the store as it was, and report the error to every append.
			rollback()
			return nil, 0, 0, fmt.Errorf("bolt: append to %q: %w", req.stream, err)
		}
		out[i] = outcome{res, err}
		events += n
	}
	if events == 0 {
		// Nothing written: no need for a commit or an fsync.
		rollback()
		return out, 0, 0, nil
	}
	commit := tx.Commit
	if s.commitHook != nil {
		commit = func() error { return s.commitHook(tx.Commit) }
	}
	if err := commit(); err != nil {
		rollback()
		return nil, 0, 0, commitError{err}
	}
	return out, events, w.next, nil
}

// writer decides and writes appends inside one transaction.
type writer struct {
	log              *bbolt.Bucket
	headsGet, idsGet lazyGetter // reads of the heads and ids buckets
	ids              *idIndex
	heads            *headIndex
	next             uint64 // position of the next event
	at               time.Time
	// key holds the key of each Put to the log: bbolt keeps the values
	// until the commit, but copies the keys (Bucket.Put's contract).
	key *[8]byte
}

// apply decides req and, if it is accepted, writes it. It returns the
// number of events written, or -1 with the error when a write failed.
func (w *writer) apply(req *request) (eventstore.AppendResult, int, error) {
	if req.member.Blocked(req.stream) {
		req.member.Reject(req.stream)
		return eventstore.AppendResult{}, 0, fmt.Errorf("bolt: append to %q: %w", req.stream, eventstore.ErrEarlierFailed)
	}
	res, n, err := w.applyOne(req)
	if err != nil {
		req.member.Reject(req.stream)
	}
	return res, n, err
}

func (w *writer) applyOne(req *request) (eventstore.AppendResult, int, error) {
	if res, retry, err := w.retried(req); err != nil || retry {
		return res, 0, err
	}
	h := w.heads.get(&w.headsGet, req.stream)
	version, last := h.version, h.last
	if req.expected != eventstore.Any && (req.expected < 0 || uint64(req.expected) != version) {
		return eventstore.AppendResult{}, 0, fmt.Errorf("bolt: append to %q: %w: stream is at version %d, expected %d",
			req.stream, eventstore.ErrWrongVersion, version, req.expected)
	}
	for i, rec := range req.records {
		version++
		pos := w.next
		patchRecord(rec, version, w.at, last)
		binary.BigEndian.PutUint64(w.key[:], pos)
		if err := w.log.Put(w.key[:], rec); err != nil {
			return eventstore.AppendResult{}, -1, err
		}
		w.ids.add(req.ids[i], pos)
		last = pos
		w.next++
	}
	w.heads.set(req.stream, streamHeadAt{version, last})
	return eventstore.AppendResult{Version: version, Position: last}, len(req.records), nil
}

// retried reports whether req repeats an append already stored: every ID
// stored in the same stream at consecutive versions, in the same order,
// with the same payload. It returns ErrDuplicateID when some of its IDs are
// stored otherwise.
func (w *writer) retried(req *request) (eventstore.AppendResult, bool, error) {
	var res eventstore.AppendResult
	found := 0
	for i := range req.ids {
		pos := w.ids.lookup(&w.idsGet, req.ids[i])
		if pos == 0 {
			continue
		}
		found++
		stored := w.log.Get(u64(pos))
		if len(stored) < recordHeaderLen {
			return res, false, fmt.Errorf("bolt: append to %q: %w: ID index points at position %d", req.stream, errCorrupt, pos)
		}
		version := recordVersion(stored)
		// The records match from the ID on exactly when the ID, stream,
		// type, data and metadata do.
		if !bytes.Equal(stored[recordFixedLen:], req.records[i][recordFixedLen:]) ||
			found != i+1 || i > 0 && version != res.Version+1 {
			return res, false, fmt.Errorf("bolt: append to %q: %w: event %d (%s) is stored at position %d with another stream, payload or order",
				req.stream, eventstore.ErrDuplicateID, i, eventstore.FormatUUID(req.ids[i]), pos)
		}
		res = eventstore.AppendResult{Version: version, Position: pos}
	}
	switch found {
	case 0:
		return eventstore.AppendResult{}, false, nil
	case len(req.ids):
		return res, true, nil
	}
	return eventstore.AppendResult{}, false, fmt.Errorf("bolt: append to %q: %w: %d of its %d event IDs are already stored",
		req.stream, eventstore.ErrDuplicateID, found, len(req.ids))
}

// getter reads a bucket through one cursor kept for a transaction:
// bbolt's Bucket.Get makes a cursor, and grows its stack, at every call.
// Seek repositions the cursor, so writes to the bucket in between are
// fine.
type getter struct{ c *bbolt.Cursor }

func newGetter(b *bbolt.Bucket) getter { return getter{b.Cursor()} }

// Get returns the value of key, nil when there is none.
func (g getter) Get(key []byte) []byte {
	k, v := g.c.Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// lazyGetter is a getter on a bucket of a transaction, opened at its
// first use: most commits read neither the ids bucket (a new ID from
// eventstore.NewID is above every stored one) nor the heads bucket (the
// heads of streams appended to recently are in memory), and opening a
// bucket and its cursor costs a search of the root bucket and two
// allocations.
type lazyGetter struct {
	tx   *bbolt.Tx
	name []byte
	g    getter
}

// getter returns the getter, opening the bucket the first time.
func (l *lazyGetter) getter() getter {
	if l.g.c == nil {
		l.g = newGetter(l.tx.Bucket(l.name))
	}
	return l.g
}

// position returns the record at pos, for a getter on the log bucket.
func (g getter) position(pos uint64) []byte {
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], pos)
	return g.Get(key[:])
}

// valueGetter is a bucket, or a getter on one.
type valueGetter interface{ Get(key []byte) []byte }
