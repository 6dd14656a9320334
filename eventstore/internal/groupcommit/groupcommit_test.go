package groupcommit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

type req struct {
	groupcommit.Call[string]
	name string
	size int
}

func newQueue(opts groupcommit.Options) *groupcommit.Queue[string, *req] {
	return groupcommit.New[string](opts, func(r *req) int { return r.size })
}

func names(batch []*req) []string {
	var out []string
	for _, r := range batch {
		out = append(out, r.name)
	}
	return out
}

func TestTakeInOrderUpToMaxBatch(t *testing.T) {
	q := newQueue(groupcommit.Options{MaxBatch: 10})
	a, b, c, big, d := &req{name: "a", size: 4}, &req{name: "b", size: 4}, &req{name: "c", size: 4}, &req{name: "big", size: 30}, &req{name: "d", size: 1}
	require.NoError(t, q.Put(a, b))
	require.NoError(t, q.Put(c, big, d))
	assert.Equal(t, []string{"a", "b"}, names(q.Take()), "first batch: up to MaxBatch")
	assert.Equal(t, []string{"c"}, names(q.Take()), "second batch: the next one would pass MaxBatch")
	assert.Equal(t, []string{"big"}, names(q.Take()), "a request over MaxBatch goes alone")
	assert.Equal(t, []string{"d"}, names(q.Take()))
	assert.Empty(t, q.Take(), "an empty queue")
}

func TestWaitReturnsTheAnswer(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	r := &req{name: "a"}
	require.NoError(t, q.Put(r))
	go func() {
		for _, r := range q.Take() {
			r.Answer("answer to " + r.name)
		}
	}()
	v, err := q.Wait(context.Background(), r)
	require.NoError(t, err)
	assert.Equal(t, "answer to a", v)
}

func TestWaitCancelledBeforeTakeDropsTheRequest(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	a, b := &req{name: "a"}, &req{name: "b"}
	require.NoError(t, q.Put(a, b))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := q.Wait(ctx, a)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []string{"b"}, names(q.Take()), "the dropped request is never taken")
}

func TestWaitCancelledAfterTakeWaitsForTheAnswer(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	r := &req{name: "a"}
	require.NoError(t, q.Put(r))
	batch := q.Take()
	require.Len(t, batch, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	batch[0].Answer("committed")
	v, err := q.Wait(ctx, r)
	require.NoError(t, err, "a taken request is answered whatever its context")
	assert.Equal(t, "committed", v)
}

func TestWaitAllCancelledSettlesAPrefix(t *testing.T) {
	q := newQueue(groupcommit.Options{MaxBatch: 2})
	reqs := []*req{{name: "a", size: 1}, {name: "b", size: 1}, {name: "c", size: 1}, {name: "d", size: 1}}
	require.NoError(t, q.Put(reqs...))
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

	more := []*req{{name: "e"}, {name: "f"}}
	require.NoError(t, q.Put(more...))
	for _, r := range q.Take() {
		r.Answer("answer to " + r.name)
	}
	got, err := q.WaitAll(context.Background(), more)
	require.NoError(t, err)
	assert.Equal(t, []string{"answer to e", "answer to f"}, got, "answers in order")
}

func TestStopRefusesThenDrains(t *testing.T) {
	q := newQueue(groupcommit.Options{})
	failed := errors.New("store failed")
	q.Refuse(failed)
	assert.ErrorIs(t, q.Put(&req{name: "x"}), failed, "refused after Refuse")

	q = newQueue(groupcommit.Options{})
	a := &req{name: "a"}
	require.NoError(t, q.Put(a))
	closed := errors.New("closed")
	q.Stop(closed)
	q.Refuse(failed)
	assert.ErrorIs(t, q.Put(&req{name: "b"}), closed, "Stop's error is final")
	var committed []string
	q.Run(func(batch []*req) { // returns: stopped
		committed = append(committed, names(batch)...)
		for _, r := range batch {
			r.Answer("ok")
		}
	})
	assert.Equal(t, []string{"a"}, committed, "Run commits what was queued before Stop")
	v, err := q.Wait(context.Background(), a)
	require.NoError(t, err)
	assert.Equal(t, "ok", v)
}

func TestLingerWaitsForTheAnsweredToComeBack(t *testing.T) {
	// A linger longer than any stall of this test between two Puts; it
	// ends sooner when both are queued.
	q := newQueue(groupcommit.Options{Linger: 5 * time.Second})
	batches := make(chan []string, 4)
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		q.Run(func(batch []*req) {
			batches <- names(batch)
			for _, r := range batch {
				r.Answer("ok")
			}
		})
	}()
	first := []*req{{name: "a"}, {name: "b"}}
	require.NoError(t, q.Put(first...))
	_, err := q.WaitAll(context.Background(), first)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, <-batches)
	// Two answered: the committer waits for two new requests.
	require.NoError(t, q.Put(&req{name: "c"}))
	require.NoError(t, q.Put(&req{name: "d"}))
	assert.Equal(t, []string{"c", "d"}, <-batches, "one commit for both writers that came back")
	q.Stop(errors.New("closed"))
	<-ran
}

func TestLingerEndsAtStop(t *testing.T) {
	q := newQueue(groupcommit.Options{Linger: time.Hour})
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		q.Run(func(batch []*req) {
			for _, r := range batch {
				r.Answer("ok")
			}
		})
	}()
	reqs := []*req{{name: "a"}, {name: "b"}}
	require.NoError(t, q.Put(reqs...))
	_, err := q.WaitAll(context.Background(), reqs)
	require.NoError(t, err)
	q.Stop(errors.New("closed")) // Run lingers for an hour unless Stop ends it
	<-ran
}
