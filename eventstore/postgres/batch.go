package postgres

import (
	"context"
	"fmt"

	"github.com/cadena-project/cadena/eventstore"
)

var _ eventstore.BatchAppender = (*Store)(nil)

// batchState is shared by the appends of one AppendBatch; only the
// committer goroutine touches it.
type batchState struct {
	failed    map[string]bool    // streams with a rejected append
	rejected  map[int]bool       // indexes of the rejected appends
	index     map[*request]int   // the index of each append in the batch
	dependsOn map[*request][]int // StreamAppend.After
}

// apply settles one append of the batch: rejected when an earlier append
// to its stream was, or one it depends on.
func (b *batchState) apply(w *writer, req *request) (eventstore.AppendResult, error) {
	if b.failed[req.stream] {
		return b.reject(req, fmt.Errorf("postgres: append to %q: %w", req.stream, eventstore.ErrEarlierFailed))
	}
	for _, j := range b.dependsOn[req] {
		if b.rejected[j] {
			return b.reject(req, fmt.Errorf("postgres: append to %q: %w", req.stream, eventstore.ErrEarlierFailed))
		}
	}
	res, err := w.applyOne(req)
	if err != nil {
		return b.reject(req, err)
	}
	return res, nil
}

// reject records that req was rejected, so that the appends after it that
// it concerns are too, and returns err.
func (b *batchState) reject(req *request, err error) (eventstore.AppendResult, error) {
	b.failed[req.stream] = true
	b.rejected[b.index[req]] = true
	return eventstore.AppendResult{}, err
}

// AppendBatch appends a batch as eventstore.BatchAppender says. The appends
// join the queue together, in order, so the committer settles them in as
// few transactions as Options.MaxBatchEvents allows (one for a batch under
// it), alongside concurrent Appends: one lock, two round trips and one
// COMMIT for thousands of events.
//
// If ctx ends before the committer takes every append, the ones not yet
// taken are dropped and AppendBatch returns ctx.Err() once those taken are
// settled. An append whose transaction failed (the server unreachable)
// carries that error, and the later appends of the batch that depend on it
// fail with eventstore.ErrEarlierFailed.
func (s *Store) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]eventstore.BatchResult, len(appends))
	b := &batchState{failed: map[string]bool{}, rejected: map[int]bool{},
		index: map[*request]int{}, dependsOn: map[*request][]int{}}
	var reqs []*request
	index := make([]int, 0, len(appends)) // out index of each request
	for i, a := range appends {
		if err := eventstore.ValidateAppend(a.Stream, a.Events); err != nil {
			out[i].Err = fmt.Errorf("postgres: append to %q: %w", a.Stream, err)
			b.failed[a.Stream] = true
			b.rejected[i] = true
			continue
		}
		req := &request{stream: a.Stream, expected: a.Expected, events: a.Events, batch: b}
		b.index[req] = i
		if len(a.After) > 0 {
			b.dependsOn[req] = a.After
		}
		reqs = append(reqs, req)
		index = append(index, i)
	}
	if len(reqs) == 0 {
		return out, nil
	}

	if err := s.queue.Put(reqs...); err != nil {
		return nil, err
	}
	answers, err := s.queue.WaitAll(ctx, reqs)
	if err != nil {
		return nil, err
	}
	for k, o := range answers {
		out[index[k]] = eventstore.BatchResult{AppendResult: o.res, Err: o.err}
	}
	return out, nil
}
