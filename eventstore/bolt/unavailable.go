package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cadena-project/cadena/eventstore"
)

// A commit that cannot be made durable (a full disk, a failed write or
// sync) does not end the store. bbolt rolls the transaction back in memory
// and the file keeps its last durable commit, except in one case: when
// only the sync of the meta page failed, the transaction is in the file
// (bbolt's memory map shows it) without being known durable. The next
// commit that succeeds makes it durable, since its pages were synced
// before the meta page was written. So after a failed commit the committer
// reads its own state (head of the log, recent IDs and stream heads) back
// from the file rather than trusting what it meant to write, and goes on
// taking appends; when bbolt itself is no longer usable, it opens the file
// again.

// cannotWrite records a failed commit of size bytes of events and brings
// the store back in line with its file. It returns the error for the
// appends of the failed commit.
func (s *Store) cannotWrite(cause error, size int) error {
	err := fmt.Errorf("bolt: commit: %w: %w", eventstore.ErrUnavailable, cause)
	s.mu.Lock()
	s.writeErr = err
	s.failedBytes = size
	s.mu.Unlock()
	if rerr := s.resync(); rerr != nil {
		if rerr := s.reopen(); rerr != nil {
			s.fail(fmt.Errorf("%w: %w (after %w)", eventstore.ErrUnavailable, rerr, cause))
		}
	}
	return err
}

// wrote records a successful commit.
func (s *Store) wrote() {
	s.mu.Lock()
	s.writeErr = nil
	s.mu.Unlock()
}

// resync reads the committer's state back from the file as bbolt shows it.
func (s *Store) resync() (err error) {
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	defer func() {
		// bbolt may panic on a database whose memory map a failed commit
		// left unusable; the file is then opened again.
		if r := recover(); r != nil {
			err = fmt.Errorf("bbolt: %v", r)
		}
	}()
	head, ids, heads, err := s.load(s.db)
	if err != nil {
		return err
	}
	return s.adopt(head, ids, heads)
}

// reopen closes the file and opens it again, then reads the committer's
// state from it.
func (s *Store) reopen() error {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	func() {
		defer func() { _ = recover() }()
		_ = s.db.Close()
	}()
	db, err := s.openFile()
	if err != nil {
		return err
	}
	head, ids, heads, err := s.load(db)
	if err != nil {
		db.Close()
		return fmt.Errorf("open %s again: %w", s.path, err)
	}
	s.db = db
	return s.adopt(head, ids, heads)
}

// adopt takes the head, IDs and stream heads read from the file. A head
// past the published one is a commit whose meta page was written but not
// synced: its events are in the file, so they are published.
func (s *Store) adopt(head uint64, ids *idIndex, heads *headIndex) error {
	s.mu.Lock()
	published := s.head
	s.mu.Unlock()
	if head < published {
		return fmt.Errorf("%w: the file's log ends at %d, before the %d events committed", errCorrupt, head, published)
	}
	s.ids = ids
	s.heads.adopt(heads)
	if head > published {
		s.publish(head)
	}
	return nil
}

// probeMu serialises the trial writes of Ready.
var probeMu sync.Mutex

// Ready reports whether the store can write. While the last commit failed
// it returns an error wrapping eventstore.ErrUnavailable, unless a trial
// write next to the file (a scratch file of at least 1 MiB and twice the
// failed commit, synced, then removed) shows that the file system takes
// writes again; the next commit that succeeds ends the failed state.
func (s *Store) Ready(ctx context.Context) error {
	s.mu.Lock()
	closed, failed, werr, size := s.closed, s.failed, s.writeErr, s.failedBytes
	s.mu.Unlock()
	switch {
	case closed:
		return eventstore.ErrClosed
	case failed != nil:
		return failed
	case werr == nil:
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := probeWrite(s.path+".probe", max(1<<20, 2*size)); err != nil {
		return fmt.Errorf("bolt: %w: %w", eventstore.ErrUnavailable, err)
	}
	return nil
}

// probeWrite writes size bytes to a new file at path, syncs and removes it.
func probeWrite(path string, size int) error {
	probeMu.Lock()
	defer probeMu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("trial write: %w", err)
	}
	_, werr := f.Write(make([]byte, size))
	serr := f.Sync()
	cerr := f.Close()
	rerr := os.Remove(path)
	if err := errors.Join(werr, serr, cerr, rerr); err != nil {
		return fmt.Errorf("trial write: %w", err)
	}
	return nil
}
