package rest_test

import (
	"context"
	"iter"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// testStore is the embedded bolt store, in a file of its own that the
// test removes, with reads that can be made to fail.
type testStore struct {
	*bolt.Store
	mu         sync.Mutex
	fail       error
	failAppend error
}

// newStore opens a store in t's temporary directory and closes it when
// the test and its other cleanups are done.
func newStore(t *testing.T) *testStore {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close(), "closing the store") })
	return &testStore{Store: s}
}

func (s *testStore) failReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// failAppends makes every append return err (nil: append again).
func (s *testStore) failAppends(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAppend = err
}

func (s *testStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	s.mu.Lock()
	fail := s.failAppend
	s.mu.Unlock()
	if fail != nil {
		return eventstore.AppendResult{}, fail
	}
	return s.Store.Append(ctx, stream, expected, events...)
}

// AppendBatch fails every append as Append does while failAppends holds
// an error (a lone command's append comes here too, as a batch of one).
func (s *testStore) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	s.mu.Lock()
	fail := s.failAppend
	s.mu.Unlock()
	if fail == nil {
		return s.Store.AppendBatch(ctx, appends)
	}
	out := make([]eventstore.BatchResult, len(appends))
	for i := range out {
		out[i].Err = fail
	}
	return out, nil
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
func (s *testStore) events(t testing.TB) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for e, err := range s.ReadAll(context.Background(), 0) {
		require.NoError(t, err, "reading the log")
		out = append(out, e)
	}
	return out
}
