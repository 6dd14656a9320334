package groupcommit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

// TestPutAllAnswersInOrder: the requests of one PutAll, answered over
// two batches, are answered to WaitAll in order, once the last is.
func TestPutAllAnswersInOrder(t *testing.T) {
	q := newQueue(groupcommit.Options{MaxBatch: 2})
	reqs := []*req{{name: "a", size: 1}, {name: "b", size: 1}, {name: "c", size: 1}}
	require.NoError(t, q.PutAll(reqs))
	done := make(chan []string, 1)
	go func() {
		got, err := q.WaitAll(context.Background(), reqs)
		assert.NoError(t, err)
		done <- got
	}()
	first := q.Take()
	require.Equal(t, []string{"a", "b"}, names(first))
	for _, r := range first {
		r.Answer("answer to " + r.name)
	}
	select {
	case got := <-done:
		t.Fatalf("WaitAll returned %q before the last answer", got)
	default:
	}
	last := q.Take()
	require.Equal(t, []string{"c"}, names(last))
	last[0].Answer("answer to c")
	assert.Equal(t, []string{"answer to a", "answer to b", "answer to c"}, <-done)
}

// TestPutAllCancelledSettlesAPrefix: when the context of WaitAll ends,
// the requests of a PutAll not yet taken are dropped, and WaitAll returns
// once the taken ones are answered.
func TestPutAllCancelledSettlesAPrefix(t *testing.T) {
	q := newQueue(groupcommit.Options{MaxBatch: 2})
	reqs := []*req{{name: "a", size: 1}, {name: "b", size: 1}, {name: "c", size: 1}, {name: "d", size: 1}}
	require.NoError(t, q.PutAll(reqs))
	first := q.Take()
	require.Equal(t, []string{"a", "b"}, names(first))
	first[0].Answer("A")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := q.WaitAll(ctx, reqs)
		done <- err
	}()
	first[1].Answer("B") // taken: WaitAll waits for it
	require.ErrorIs(t, <-done, context.Canceled)
	assert.Empty(t, q.Take(), "the requests not taken were dropped")
}

// TestPutAllRefused: PutAll queues nothing once the queue refuses.
func TestPutAllRefused(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	failed := errors.New("store failed")
	q.Refuse(failed)
	assert.ErrorIs(t, q.PutAll([]*req{{name: "a"}, {name: "b"}}), failed)
	assert.Empty(t, q.Take())
}
