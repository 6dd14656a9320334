package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

var _ eventstore.Store = (*Store)(nil)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Clock returns the time recorded with each commit. All events of one
	// commit share it. Nil means time.Now; the result is stored in UTC with
	// nanosecond precision.
	Clock func() time.Time
	// OnCommit, when not nil, is called by the committer goroutine after
	// each durable commit, before the appends it covers return. It must be
	// quick and must not call the Store.
	OnCommit func(CommitStats)
	// LockTimeout is how long Open waits for another process to release
	// the file. Zero means one second.
	LockTimeout time.Duration
	// MaxBatchBytes caps the event bytes gathered into one commit; the
	// appends beyond it wait for the next one. Zero means 8 MiB. A single
	// append larger than the cap is committed alone.
	MaxBatchBytes int
	// RecentIDs is how many IDs of recent events the committer keeps in
	// memory before it writes the oldest of them to the on-disk ID index,
	// RecentIDs/32 at a time, in an ordinary commit. Zero means 32768.
	// Fewer saves memory and time in Open; more saves page writes. A bulk
	// load of random IDs (cadena import) takes millions, about 70 bytes of
	// memory each: writing a few thousand random IDs rewrites pages all over
	// the index, writing them all at once rewrites each page once. When more
	// than 32768 are in memory, Close writes them all (into a bucket
	// that holds keys already, a sample first, in a commit of its own).
	RecentIDs int
	// IDsFlush is how many of the recent IDs a commit writes to the ID
	// index once RecentIDs have gathered, at most RecentIDs. Zero means
	// RecentIDs/32. The IDs of idempotent commands are random, so a flush
	// rewrites a page of the index for each ID it writes until it writes
	// more IDs than the index has pages: a server taking an import
	// (POST /api/v1/batch) keeps a few hundred thousand and writes a
	// quarter of them at a time, a few pages per hundred IDs, at the price
	// of one longer commit per flush.
	IDsFlush int
	// RecentHeads is how many streams the committer keeps the heads of in
	// memory, pending, before it writes some to the heads bucket: the next
	// RecentHeads/32 pending streams in key order after a cursor that goes
	// round the key space, in an ordinary commit (and any head pending for
	// 2*RecentHeads events, wherever the cursor is). Zero means 32768. Writing each new stream's head
	// as it is committed rewrites a page of the bucket per stream; more
	// saves page writes, fewer saves memory (about 100 bytes a stream)
	// and time in Open, which reads them back from the log. When more
	// than 32768 are in memory, Close writes them all (into a bucket
	// that holds keys already, a sample first, in a commit of its own).
	RecentHeads int
	// Linger is how long the committer may wait, after a commit of
	// several appends, for as many new appends before it starts the next
	// commit, so that writers busy between their appends (an HTTP server's
	// handlers) fill each commit and fsync. A lone writer never waits.
	// Zero or negative means never wait.
	Linger time.Duration
	// InitialMmapBytes, when positive, is the size of the memory map
	// bbolt starts with: address space, not memory. A bulk load that grows
	// the file to about that much then never stops to map it again (which
	// copies out every page its transaction holds). Zero starts small and
	// doubles, as bbolt does.
	InitialMmapBytes int
	// InitEmpty lets Open take an existing, empty file as a new store.
	// Without it Open refuses such a file with ErrEmpty: where a store is
	// expected, an empty file is more often a store lost (a failed copy, a
	// restore gone wrong) than a new one. A missing file is always
	// created.
	InitEmpty bool
	// CommitHook, for fault-injection tests, stands between the committer
	// and bbolt: it is called with the function that commits (writes and
	// syncs) each transaction and returns what the commit returned. Nil
	// commits directly. Returning an error without calling commit acts as
	// a failed write, which leaves nothing in the file; returning one after
	// a commit that succeeded acts as a failed sync of bbolt's meta page,
	// which leaves the transaction in the file without knowing it durable.
	CommitHook func(commit func() error) error
}

// CommitStats describes one commit: one bbolt transaction and one fsync.
type CommitStats struct {
	// Appends is the number of Append calls the commit settled, including
	// those it rejected or answered as idempotent retries.
	Appends int
	// Events is the number of events the commit wrote.
	Events int
	// Duration runs from the start of the transaction to the end of its
	// fsync.
	Duration time.Duration
}

// Store is an event store in one bbolt file. It is safe for concurrent use.
type Store struct {
	path       string
	bopts      *bbolt.Options
	recentIDs  int
	idsFlush   int
	clock      func() time.Time
	onCommit   func(CommitStats)
	commitHook func(commit func() error) error
	initEmpty  bool
	maxBatch   int
	linger     time.Duration
	ids        *idIndex  // owned by the committer goroutine
	outs       []outcome // the committer's: the outcomes of a batch, reused by the next
	key        [8]byte   // the committer's: the key of each Put to the log
	heads      *headIndex
	headsAt    int // Options.RecentHeads, or the default

	// dbMu guards db, which the committer replaces when it has to open
	// the file again after a failed commit.
	dbMu sync.RWMutex
	db   *bbolt.DB

	queue *groupcommit.Queue[outcome, *request] // the committer's
	done  chan struct{}                         // closed when the committer has returned

	mu     sync.Mutex
	head   uint64        // last committed position
	notify chan struct{} // closed and replaced on each commit and on Close
	closed bool
	// writeErr is the error of the last commit when it failed, nil once
	// one succeeds; it makes Ready check the file system.
	writeErr    error
	failedBytes int // size of the events of the last failed commit
	// failed is set when the store lost its file (a failed commit left
	// bbolt unusable and the file could not be opened again): it accepts
	// no more appends, and subscriptions end with it.
	failed error
}

// Open opens the store in the file at path, creating it if needed. Only one
// Store, in one process, can hold a file at a time.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	recent := opts.RecentIDs
	if recent <= 0 {
		recent = idsFlushAt
	}
	recentHeads := opts.RecentHeads
	if recentHeads <= 0 {
		recentHeads = headsFlushAt
	}
	s := &Store{
		path:       path,
		headsAt:    recentHeads,
		bopts:      &bbolt.Options{Timeout: timeout, InitialMmapSize: max(opts.InitialMmapBytes, 0)},
		recentIDs:  recent,
		idsFlush:   min(max(opts.IDsFlush, 0), recent),
		clock:      opts.Clock,
		onCommit:   opts.OnCommit,
		commitHook: opts.CommitHook,
		initEmpty:  opts.InitEmpty,
		maxBatch:   opts.MaxBatchBytes,
		linger:     opts.Linger,
		done:       make(chan struct{}),
		notify:     make(chan struct{}),
	}
	db, err := s.openFile()
	if err != nil {
		return nil, err
	}
	if s.head, s.ids, s.heads, err = s.load(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s.db = db
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 8 << 20
	}
	s.queue = newQueue(s.maxBatch, s.linger)
	go func() {
		defer close(s.done)
		s.queue.Run(s.commit)
	}()
	return s, nil
}

// load reads the head of the log, the recent event IDs and the recent
// stream heads from db.
func (s *Store) load(db *bbolt.DB) (uint64, *idIndex, *headIndex, error) {
	var head uint64
	ids := newIDIndex(s.recentIDs, s.idsFlush)
	heads := newHeadIndex(s.headsAt)
	err := guardedView(db, func(tx *bbolt.Tx) error {
		if k, _ := tx.Bucket(bucketLog).Cursor().Last(); k != nil {
			head = binary.BigEndian.Uint64(k)
		}
		if err := ids.load(tx); err != nil {
			return err
		}
		return heads.load(tx, head)
	})
	return head, ids, heads, err
}

// Head returns the position of the last committed event, 0 when the log is
// empty.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, eventstore.ErrClosed
	}
	return s.head, nil
}

// Close waits for the appends already queued to be committed, stops the
// subscriptions (they yield ErrClosed) and closes the file. Calling it again
// returns ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	s.closed = true
	close(s.notify)
	s.mu.Unlock()

	s.queue.Stop(eventstore.ErrClosed) // the committer drains the queue, then stops
	<-s.done
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	s.mu.Lock()
	failed := s.failed
	s.mu.Unlock()
	bulkIDs := s.ids.bulk(len(s.ids.order), idsFlushAt)
	bulkHeads := s.heads.bulk(len(s.heads.order), headsFlushAt)
	if failed == nil && (bulkIDs || bulkHeads) {
		// The IDs and heads a bulk load kept in memory go to their
		// buckets in one commit. Nothing is lost without it (Open reads
		// them back from the log), so a failure is reported and the file
		// closed all the same.
		var heads <-chan []headRecord
		if bulkHeads {
			heads = s.heads.sortedHeads() // while the IDs are written
		}
		err := guard(func() error {
			// Into a bucket that holds keys already, a first commit writes
			// a sample of them, spread over the key range, so that the
			// bucket has a leaf for every part of it: the puts of the
			// second then fill many small nodes instead of inserting into
			// the middle of one that grows with every key (bbolt splits
			// nodes at commit), about half the work. Keys written twice
			// hold the same value. Into an empty bucket (a first import)
			// the sorted puts all land at the end of one node, which costs
			// no more than filling small ones, and the sample is skipped.
			var sampleIDs, sampleHeads bool
			if err := s.db.View(func(tx *bbolt.Tx) error {
				sampleIDs = bulkIDs && !empty(tx.Bucket(bucketIDs))
				sampleHeads = bulkHeads && !empty(tx.Bucket(bucketHeads))
				return nil
			}); err != nil {
				return err
			}
			if sampleIDs || sampleHeads {
				if err := s.db.Update(func(tx *bbolt.Tx) error {
					if sampleIDs {
						if err := s.ids.sample(tx); err != nil {
							return err
						}
					}
					if sampleHeads {
						return s.heads.sample(tx)
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return s.db.Update(func(tx *bbolt.Tx) error {
				if bulkIDs {
					if err := s.ids.flushAll(tx); err != nil {
						return err
					}
				}
				if bulkHeads {
					return s.heads.flushAll(tx, heads)
				}
				return nil
			})
		})
		if cerr := s.db.Close(); cerr != nil {
			return fmt.Errorf("bolt: close: %w", cerr)
		}
		if err != nil {
			return fmt.Errorf("bolt: close: writing the ID index and heads: %w", err)
		}
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// empty reports whether b holds no key.
func empty(b *bbolt.Bucket) bool {
	k, _ := b.Cursor().First()
	return k == nil
}

// watch returns the last committed position and a channel closed at the
// next commit, or the error that ends subscriptions.
func (s *Store) watch() (uint64, <-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return 0, nil, eventstore.ErrClosed
	case s.failed != nil:
		return 0, nil, s.failed
	}
	return s.head, s.notify, nil
}

// publish makes the events up to head visible to Head, reads and
// subscriptions.
func (s *Store) publish(head uint64) {
	s.mu.Lock()
	s.head = head
	if !s.closed {
		close(s.notify)
		s.notify = make(chan struct{})
	}
	s.mu.Unlock()
}

// fail stops the store accepting appends after it lost its file.
func (s *Store) fail(err error) {
	s.mu.Lock()
	if s.failed == nil {
		s.failed = fmt.Errorf("bolt: store failed, restart to open the file again: %w", err)
		if !s.closed {
			s.queue.Refuse(s.failed)
			close(s.notify)
			s.notify = make(chan struct{})
		}
	}
	s.mu.Unlock()
}

// view runs fn in a read transaction, reporting a closed store as ErrClosed.
func (s *Store) view(fn func(*bbolt.Tx) error) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return eventstore.ErrClosed
	}
	s.dbMu.RLock()
	err := guardedView(s.db, fn)
	s.dbMu.RUnlock()
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return eventstore.ErrClosed
	}
	return err
}

// Path returns the path of the store's file.
func (s *Store) Path() string { return s.path }
