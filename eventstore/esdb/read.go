package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

// ReadStream yields the events of a stream with a version greater than
// after.
func (s *Store) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.closed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		if err := checkStream(stream); err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: fromVersion(after)}
		for ev, err := range s.readStream(ctx, stream, opts, math.MaxUint64) {
			if err != nil {
				err = fmt.Errorf("esdb: read stream %q: %w", stream, err)
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// readStream yields the events of one stream read; a missing stream yields
// nothing.
func (s *Store) readStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return s.read(ctx, func(ctx context.Context, c client) (reader, error) {
		return c.ReadStream(ctx, stream, opts, count)
	})
}

// read drives one read to its end.
func (s *Store) read(ctx context.Context, start func(context.Context, client) (reader, error)) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		r, release, err := open(ctx, s.conn, start, func(r reader) { r.Close() })
		if err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		var final error
		defer func() {
			r.Close()
			release(final)
		}()
		for {
			ev, err := r.Recv()
			switch {
			case errors.Is(err, io.EOF) || isNotFound(err):
				return
			case err != nil:
				final = err
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			rec, err := toRecorded(ev.OriginalEvent())
			if err != nil {
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// readAll yields the records of $all, system events included, from a
// position in a direction.
func (s *Store) readAll(ctx context.Context, opts esdb.ReadAllOptions, count uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return s.read(ctx, func(ctx context.Context, c client) (reader, error) {
		return c.ReadAll(ctx, opts, count)
	})
}

// lastPosition returns the position of the last event of $all, a system
// event or not, 0 when there is none.
func (s *Store) lastPosition(ctx context.Context, system bool) (uint64, error) {
	opts := esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}
	count := uint64(math.MaxUint64)
	if system {
		count = 1
	}
	for ev, err := range s.readAll(ctx, opts, count) {
		if err != nil {
			return 0, err
		}
		if system || !isSystemEvent(ev.Type) {
			return ev.Position, nil
		}
	}
	return 0, nil
}

// ReadAll yields every non-system event after the position after, up to
// the last record of $all when the read starts.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.closed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		end, err := s.lastPosition(ctx, true)
		if err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
			return
		}
		if end <= after {
			return
		}
		from, err := s.startPosition(ctx, after)
		if err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
			return
		}
		opts := esdb.ReadAllOptions{Direction: esdb.Forwards, From: allPosition(from)}
		for ev, err := range s.readAll(ctx, opts, math.MaxUint64) {
			if err != nil {
				yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
				return
			}
			if ev.Position > end {
				return
			}
			if ev.Position <= after || isSystemEvent(ev.Type) {
				continue // the read starts at after, inclusive
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// startPosition returns a position to start reading $all from in order to
// get the events after the position after. The server accepts only
// positions where a record starts; positions this store returned are such,
// but a caller may pass any number (Head()-1, say). So it probes a read at
// after, and when the server refuses it, it returns the position of the
// last event at or before after, found by reading backwards from the end.
func (s *Store) startPosition(ctx context.Context, after uint64) (uint64, error) {
	if after == 0 {
		return 0, nil
	}
	var probe error
	for _, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Forwards, From: allPosition(after)}, 1) {
		probe = err
		break
	}
	if probe == nil {
		return after, nil
	}
	if ctx.Err() != nil || errors.Is(probe, eventstore.ErrClosed) {
		return 0, probe
	}
	s.log.Debug("esdb: position refused; looking for the event before it", "after", after, "err", probe)
	for ev, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, math.MaxUint64) {
		if err != nil {
			return 0, err
		}
		if ev.Position <= after {
			return ev.Position, nil
		}
	}
	return 0, nil
}

// Head returns the position of the last non-system event of $all, reading
// backwards past system events.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if !s.begin() {
		return 0, eventstore.ErrClosed
	}
	defer s.calls.Done()
	p, err := s.lastPosition(ctx, false)
	if err != nil {
		return 0, fmt.Errorf("esdb: head: %w", err)
	}
	return p, nil
}
