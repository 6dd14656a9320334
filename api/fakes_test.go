package api_test

import (
	"context"
	"iter"
	"sync"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// testStore is the in-memory event store, with reads that can be made to
// fail.
type testStore struct {
	*memory.Store
	mu   sync.Mutex
	fail error
}

func newStore() *testStore { return &testStore{Store: memory.New(memory.Options{})} }

func (s *testStore) failReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *testStore) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail != nil {
		return func(yield func(eventstore.RecordedEvent, error) bool) { yield(eventstore.RecordedEvent{}, fail) }
	}
	return s.Store.ReadStream(ctx, stream, after)
}

// events returns the whole log.
func (s *testStore) events() []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	for e, err := range s.ReadAll(context.Background(), 0) {
		if err != nil {
			panic(err)
		}
		out = append(out, e)
	}
	return out
}
