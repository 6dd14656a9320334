// Package memory is an event store held in memory, for tests and demos. It
// passes the same conformance suite as the durable stores, keeps nothing
// after Close, and numbers positions densely from 1.
package memory

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/cadena-project/cadena/eventstore"
)

var _ eventstore.Store = (*Store)(nil)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Clock returns the time recorded with each append. Nil means
	// time.Now; the result is stored in UTC.
	Clock func() time.Time
}

// Store is an event store in memory. It is safe for concurrent use.
type Store struct {
	clock func() time.Time

	mu      sync.Mutex
	log     []eventstore.RecordedEvent // log[i] has position i+1
	streams map[string][]uint64        // stream ID -> positions, by version
	ids     map[string]uint64          // event ID -> position
	notify  chan struct{}              // closed and replaced on each append and on Close
	closed  bool
}

// New returns an empty store.
func New(opts Options) *Store {
	s := &Store{
		clock:   opts.Clock,
		streams: make(map[string][]uint64),
		ids:     make(map[string]uint64),
		notify:  make(chan struct{}),
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	return s
}

// Append adds events to stream atomically.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("memory: append to %q: %w", stream, err)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	if res, retry, err := s.retried(stream, events); err != nil || retry {
		return res, err
	}
	version := uint64(len(s.streams[stream]))
	if expected != eventstore.Any && (expected < 0 || uint64(expected) != version) {
		return eventstore.AppendResult{}, fmt.Errorf("memory: append to %q: %w: stream is at version %d, expected %d",
			stream, eventstore.ErrWrongVersion, version, expected)
	}
	at := s.clock().UTC()
	for _, e := range events {
		version++
		pos := uint64(len(s.log)) + 1
		s.log = append(s.log, eventstore.RecordedEvent{
			ID:         e.ID,
			Type:       e.Type,
			StreamID:   stream,
			Version:    version,
			Position:   pos,
			RecordedAt: at,
			Data:       bytes.Clone(e.Data),
			Metadata:   bytes.Clone(e.Metadata),
		})
		s.streams[stream] = append(s.streams[stream], pos)
		s.ids[e.ID] = pos
	}
	close(s.notify)
	s.notify = make(chan struct{})
	return eventstore.AppendResult{Version: version, Position: uint64(len(s.log))}, nil
}

// retried reports whether events repeat an append already stored; see
// eventstore.Store.Append.
func (s *Store) retried(stream string, events []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	var res eventstore.AppendResult
	found := 0
	for i, e := range events {
		pos, ok := s.ids[e.ID]
		if !ok {
			continue
		}
		found++
		old := s.log[pos-1]
		if old.StreamID != stream || old.Type != e.Type || !bytes.Equal(old.Data, e.Data) ||
			!bytes.Equal(old.Metadata, e.Metadata) || found != i+1 || i > 0 && old.Version != res.Version+1 {
			return res, false, fmt.Errorf("memory: append to %q: %w: event %d (%s) is stored at position %d with another stream, payload or order",
				stream, eventstore.ErrDuplicateID, i, e.ID, pos)
		}
		res = eventstore.AppendResult{Version: old.Version, Position: pos}
	}
	switch found {
	case 0:
		return eventstore.AppendResult{}, false, nil
	case len(events):
		return res, true, nil
	}
	return eventstore.AppendResult{}, false, fmt.Errorf("memory: append to %q: %w: %d of its %d event IDs are already stored",
		stream, eventstore.ErrDuplicateID, found, len(events))
}

// ReadStream yields the events of stream with a version greater than after.
func (s *Store) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		s.mu.Lock()
		closed := s.closed
		positions := s.streams[stream]
		s.mu.Unlock()
		if closed {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		if err := eventstore.ValidateStreamID(stream); err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("memory: read %q: %w", stream, err))
			return
		}
		for v := after; v < uint64(len(positions)); v++ {
			ev, err := s.event(ctx, positions[v])
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// ReadAll yields the global log after the given position, up to its end
// when the read starts.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		head, _, err := s.watch()
		if err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		for pos := after + 1; pos <= head; pos++ {
			ev, err := s.event(ctx, pos)
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// Subscribe yields the global log after the given position, then follows
// new appends until ctx ends or the store closes.
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		for {
			head, next, err := s.watch()
			if err != nil {
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			for ; after < head; after++ {
				ev, err := s.event(ctx, after+1)
				if !yield(ev, err) || err != nil {
					return
				}
			}
			select {
			case <-next:
			case <-ctx.Done():
				yield(eventstore.RecordedEvent{}, ctx.Err())
				return
			}
		}
	}
}

// event returns a copy of the event at pos, which the caller owns.
func (s *Store) event(ctx context.Context, pos uint64) (eventstore.RecordedEvent, error) {
	if err := ctx.Err(); err != nil {
		return eventstore.RecordedEvent{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.RecordedEvent{}, eventstore.ErrClosed
	}
	ev := s.log[pos-1]
	ev.Data = slices.Clip(bytes.Clone(ev.Data))
	ev.Metadata = slices.Clip(bytes.Clone(ev.Metadata))
	return ev, nil
}

func (s *Store) watch() (uint64, <-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, nil, eventstore.ErrClosed
	}
	return uint64(len(s.log)), s.notify, nil
}

// Head returns the position of the last event, 0 when the log is empty.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	head, _, err := s.watch()
	return head, err
}

// Close releases the store: later calls return ErrClosed and subscriptions
// stop with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.ErrClosed
	}
	s.closed = true
	s.log, s.streams, s.ids = nil, nil, nil
	close(s.notify)
	return nil
}
