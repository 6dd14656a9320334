package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cadena-project/cadena/eventstore"
)

// pageSize is how many events one query reads. Reads go page by page and
// hold no connection while they yield.
const pageSize = 512

const selectEvents = "SELECT position, stream, version, id::text, type, data, metadata, recorded_at FROM events "

// ReadStream yields the events of stream with a version greater than
// after, in order, reading a page at a time.
func (s *Store) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.isClosed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		for {
			page, err := s.query(ctx, selectEvents+"WHERE stream = $1 AND version > $2 ORDER BY version LIMIT $3", stream, int64(after), pageSize)
			if err != nil {
				yield(eventstore.RecordedEvent{}, s.fail(ctx, fmt.Sprintf("read stream %q", stream), err))
				return
			}
			for _, ev := range page {
				if !yield(ev, nil) {
					return
				}
				after = ev.Version
			}
			if len(page) < pageSize {
				return
			}
		}
	}
}

// ReadAll yields the events of the global log after position after, up
// to the head as it was when the read started.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		head, err := s.Head(ctx)
		if err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		for after < head {
			page, err := s.readAll(ctx, after, head)
			if err != nil {
				yield(eventstore.RecordedEvent{}, s.fail(ctx, "read all", err))
				return
			}
			if len(page) == 0 {
				return
			}
			for _, ev := range page {
				if !yield(ev, nil) {
					return
				}
				after = ev.Position
			}
		}
	}
}

// readAll reads the next page of the log after position after, up to
// position until (0: no bound).
func (s *Store) readAll(ctx context.Context, after, until uint64) ([]eventstore.RecordedEvent, error) {
	if until == 0 {
		return s.query(ctx, selectEvents+"WHERE position > $1 ORDER BY position LIMIT $2", int64(after), pageSize)
	}
	return s.query(ctx, selectEvents+"WHERE position > $1 AND position <= $2 ORDER BY position LIMIT $3", int64(after), int64(until), pageSize)
}

// Subscribe yields the events after position after: it reads the log page
// by page, and once it has caught up waits for a notification of a new
// commit (LISTEN/NOTIFY), or PollInterval, before reading again. While the
// server is unreachable it tries again with a growing backoff instead of
// failing: it yields only ctx.Err() when ctx ends, ErrClosed when the
// store closes, and errors other than the server's unavailability.
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.isClosed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		if err := ctx.Err(); err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		var wait time.Duration // backoff while the server is unreachable
		down := false
		for {
			// Taken before the read, so a commit during it is not missed.
			changed := s.watch()
			page, err := s.readAll(ctx, after, 0)
			switch {
			case s.isClosed():
				yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
				return
			case ctx.Err() != nil:
				yield(eventstore.RecordedEvent{}, ctx.Err())
				return
			case err != nil && !errors.Is(classify(err), eventstore.ErrUnavailable):
				yield(eventstore.RecordedEvent{}, s.fail(ctx, "subscribe", err))
				return
			case err != nil:
				wait = s.backoff.next(wait)
				if !down {
					s.log.Warn("postgres: subscription lost the server; retrying", "after", after, "err", err)
					down = true
				}
				if !s.sleep(ctx, wait, nil) {
					yield(eventstore.RecordedEvent{}, s.endErr(ctx))
					return
				}
				continue
			}
			if down {
				s.log.Info("postgres: subscription reconnected", "after", after)
				down, wait = false, 0
			}
			for _, ev := range page {
				if !yield(ev, nil) {
					return
				}
				after = ev.Position
			}
			if len(page) == pageSize {
				continue
			}
			if !s.sleep(ctx, s.poll, changed) {
				yield(eventstore.RecordedEvent{}, s.endErr(ctx))
				return
			}
		}
	}
}

// sleep waits for d, or until changed is closed; it returns false when ctx
// ended or the store closed first.
func (s *Store) sleep(ctx context.Context, d time.Duration, changed <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-changed:
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
	return !s.isClosed()
}

// endErr is what a subscription yields when sleep returned false.
func (s *Store) endErr(ctx context.Context) error {
	if s.isClosed() {
		return eventstore.ErrClosed
	}
	return ctx.Err()
}

// query runs a query of events and returns them all.
func (s *Store) query(ctx context.Context, sql string, args ...any) ([]eventstore.RecordedEvent, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	var out []eventstore.RecordedEvent
	var ev eventstore.RecordedEvent
	var position, version int64
	_, err = pgx.ForEachRow(rows, []any{&position, &ev.StreamID, &version, &ev.ID, &ev.Type, &ev.Data, &ev.Metadata, &ev.RecordedAt}, func() error {
		ev.Position, ev.Version = uint64(position), uint64(version)
		ev.RecordedAt = ev.RecordedAt.UTC()
		if len(ev.Metadata) == 0 {
			ev.Metadata = nil
		}
		out = append(out, ev)
		ev = eventstore.RecordedEvent{}
		return nil
	})
	return out, err
}
