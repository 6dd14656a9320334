package groupcommit

import (
	"context"
	"fmt"

	"github.com/cadena-project/cadena/eventstore"
)

// batch is the bookkeeping of one eventstore.BatchAppender call, shared by
// its requests and touched only by the committer goroutine.
type batch struct {
	failed   map[string]bool // streams with a refused append
	rejected map[int]bool    // indexes of the refused appends
}

// Member places a request in its batch: the batch, the request's index in
// it and the indexes it depends on (StreamAppend.After). The zero Member is
// a lone Append's: never blocked, and its refusal concerns no other.
type Member struct {
	b     *batch
	index int
	after []int
}

// Blocked reports whether the append to stream must be refused with
// eventstore.ErrEarlierFailed: an earlier append of its batch to the same
// stream was refused, or one it depends on.
func (m Member) Blocked(stream string) bool {
	if m.b == nil {
		return false
	}
	if m.b.failed[stream] {
		return true
	}
	for _, j := range m.after {
		if m.b.rejected[j] {
			return true
		}
	}
	return false
}

// Reject records that the append to stream was refused, so that the later
// appends of the batch it concerns are too.
func (m Member) Reject(stream string) {
	if m.b == nil {
		return
	}
	m.b.failed[stream] = true
	m.b.rejected[m.index] = true
}

// AppendBatch is the part of eventstore.BatchAppender that stores share:
// it validates each append (an invalid one is answered with the error,
// prefixed with store, and counts as refused), makes a request of each
// valid one with newReq, puts them on q together and in order, and waits
// for them; out[i] answers appends[i], made from its answer by result.
//
// If ctx ends before the committer takes every request, the ones not yet
// taken are dropped and AppendBatch returns ctx.Err() once those taken are
// settled.
func AppendBatch[V any, T Item[V]](ctx context.Context, q *Queue[V, T], store string, appends []eventstore.StreamAppend,
	newReq func(eventstore.StreamAppend, Member) T, result func(V) eventstore.BatchResult) ([]eventstore.BatchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(appends) == 1 && len(appends[0].After) == 0 {
		return appendOne(ctx, q, store, appends[0], newReq, result)
	}
	out := make([]eventstore.BatchResult, len(appends))
	b := &batch{failed: map[string]bool{}, rejected: map[int]bool{}}
	reqs := make([]T, 0, len(appends))
	index := make([]int, 0, len(appends)) // out index of each request
	for i, a := range appends {
		m := Member{b: b, index: i, after: a.After}
		if err := eventstore.ValidateStreamAppend(a); err != nil {
			out[i].Err = fmt.Errorf("%s: append to %q: %w", store, a.Stream, err)
			m.Reject(a.Stream)
			continue
		}
		reqs = append(reqs, newReq(a, m))
		index = append(index, i)
	}
	if len(reqs) == 0 {
		return out, nil
	}
	if err := q.PutAll(reqs); err != nil {
		return nil, err
	}
	answers, err := q.WaitAll(ctx, reqs)
	if err != nil {
		return nil, err
	}
	for k, v := range answers {
		out[index[k]] = result(v)
	}
	return out, nil
}

// appendOne is AppendBatch for a batch of one append that depends on no
// other (a lone command's append, most of them): its refusal concerns no
// other append, so it goes as a lone Append's request, with the zero
// Member and none of a batch's bookkeeping.
func appendOne[V any, T Item[V]](ctx context.Context, q *Queue[V, T], store string, a eventstore.StreamAppend,
	newReq func(eventstore.StreamAppend, Member) T, result func(V) eventstore.BatchResult) ([]eventstore.BatchResult, error) {
	out := make([]eventstore.BatchResult, 1)
	if err := eventstore.ValidateStreamAppend(a); err != nil {
		out[0].Err = fmt.Errorf("%s: append to %q: %w", store, a.Stream, err)
		return out, nil
	}
	req := newReq(a, Member{})
	if err := q.Put(req); err != nil {
		return nil, err
	}
	v, err := q.Wait(ctx, req)
	if err != nil {
		return nil, err
	}
	out[0] = result(v)
	return out, nil
}
