package api_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/cadena-project/cadena/eventstore"
)

// fakeStore is a small in-memory event store for these tests.
type fakeStore struct {
	mu      sync.Mutex
	fail    error // when set, every read fails with it
	log     []eventstore.RecordedEvent
	streams map[string][]int // indexes into log
}

func newStore() *fakeStore { return &fakeStore{streams: map[string][]int{}} }

func (s *fakeStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.streams[stream]
	// An idempotent retry (the service appends one event per command).
	for _, e := range s.log {
		if e.ID == events[0].ID {
			if len(events) != 1 || e.StreamID != stream || e.Type != events[0].Type || string(e.Data) != string(events[0].Data) {
				return eventstore.AppendResult{}, fmt.Errorf("%s: %w", e.ID, eventstore.ErrDuplicateID)
			}
			return eventstore.AppendResult{Version: e.Version, Position: e.Position}, nil
		}
	}
	if expected != eventstore.Any && uint64(expected) != uint64(len(idx)) {
		return eventstore.AppendResult{}, fmt.Errorf("%s at %d, expected %d: %w", stream, len(idx), expected, eventstore.ErrWrongVersion)
	}
	for _, ev := range events {
		s.log = append(s.log, eventstore.RecordedEvent{ID: ev.ID, Type: ev.Type, StreamID: stream,
			Version: uint64(len(idx) + 1), Position: uint64(len(s.log) + 1), RecordedAt: time.Now().UTC(),
			Data: ev.Data, Metadata: ev.Metadata})
		idx = append(idx, len(s.log)-1)
	}
	s.streams[stream] = idx
	last := s.log[len(s.log)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, nil
}

func (s *fakeStore) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	s.mu.Lock()
	fail := s.fail
	var out []eventstore.RecordedEvent
	for _, i := range s.streams[stream] {
		if s.log[i].Version > after {
			out = append(out, s.log[i])
		}
	}
	s.mu.Unlock()
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if fail != nil {
			yield(eventstore.RecordedEvent{}, fail)
			return
		}
		for _, e := range out {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (s *fakeStore) Head(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint64(len(s.log)), nil
}
