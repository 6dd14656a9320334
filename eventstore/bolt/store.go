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
	// memory before it writes them to the on-disk ID index in one commit.
	// Zero means 32768. Fewer saves memory and time in Open; more saves
	// page writes per commit.
	RecentIDs int
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
	db       *bbolt.DB
	clock    func() time.Time
	onCommit func(CommitStats)
	maxBatch int
	ids      *idIndex // owned by the committer goroutine

	wake chan struct{} // one pending signal for the committer
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the committer has returned

	mu     sync.Mutex
	queue  []*request
	head   uint64        // last committed position
	notify chan struct{} // closed and replaced on each commit and on Close
	closed bool
	failed error // set when a commit failed; the store accepts no more appends
}

// Open opens the store in the file at path, creating it if needed. Only one
// Store, in one process, can hold a file at a time.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	var head uint64
	recent := opts.RecentIDs
	if recent <= 0 {
		recent = idsFlushAt
	}
	ids := newIDIndex(recent)
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketLog, bucketHeads, bucketIDs, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if k, _ := tx.Bucket(bucketLog).Cursor().Last(); k != nil {
			head = binary.BigEndian.Uint64(k)
		}
		return ids.load(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{
		db:       db,
		clock:    opts.Clock,
		onCommit: opts.OnCommit,
		maxBatch: opts.MaxBatchBytes,
		ids:      ids,
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		head:     head,
		notify:   make(chan struct{}),
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 8 << 20
	}
	go s.commitLoop()
	return s, nil
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

	close(s.stop)
	<-s.done
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
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

// fail stops the store accepting appends after a failed commit: what bbolt
// holds in memory may no longer match the file.
func (s *Store) fail(err error) {
	s.mu.Lock()
	if s.failed == nil {
		s.failed = fmt.Errorf("bolt: store failed: %w", err)
		if !s.closed {
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
	err := s.db.View(fn)
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return eventstore.ErrClosed
	}
	return err
}

// Path returns the path of the store's file.
func (s *Store) Path() string { return s.db.Path() }
