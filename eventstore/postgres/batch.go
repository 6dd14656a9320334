package postgres

import (
	"context"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

var _ eventstore.BatchAppender = (*Store)(nil)

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
	return groupcommit.AppendBatch(ctx, s.queue, "postgres", appends,
		func(a eventstore.StreamAppend, m groupcommit.Member) *request {
			return &request{stream: a.Stream, expected: a.Expected, events: a.Events, member: m}
		},
		func(o outcome) eventstore.BatchResult { return eventstore.BatchResult{AppendResult: o.res, Err: o.err} })
}
