package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

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
func (b *batchState) apply(w *writer, req *request) (eventstore.AppendResult, int, error) {
	reject := func(err error) (eventstore.AppendResult, int, error) {
		b.failed[req.stream] = true
		b.rejected[b.index[req]] = true
		return eventstore.AppendResult{}, 0, err
	}
	if b.failed[req.stream] {
		return reject(fmt.Errorf("bolt: append to %q: %w", req.stream, eventstore.ErrEarlierFailed))
	}
	for _, j := range b.dependsOn[req] {
		if b.rejected[j] {
			return reject(fmt.Errorf("bolt: append to %q: %w", req.stream, eventstore.ErrEarlierFailed))
		}
	}
	res, n, err := w.applyOne(req)
	if err != nil {
		return reject(err)
	}
	return res, n, err
}

// AppendBatch appends a batch as eventstore.BatchAppender says. The appends
// join the queue together, in order, so the committer settles them in as
// few transactions as MaxBatchBytes allows (one for a batch under it), with
// one fsync each, alongside concurrent Appends.
//
// If ctx ends before the committer takes every append, the ones not yet
// taken are dropped and AppendBatch returns ctx.Err() once those taken are
// settled.
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
			out[i].Err = fmt.Errorf("bolt: append to %q: %w", a.Stream, err)
			b.failed[a.Stream] = true
			b.rejected[i] = true
			continue
		}
		req := newRequest(a.Stream, a.Expected, a.Events)
		req.batch = b
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

// ReadStreams reads, in one read transaction, every stream of streams that
// holds at most max events: out[i] holds the events of streams[i], nil
// for an empty stream, and ok[i] is false for a stream with more than max
// events or an invalid ID (read it with ReadStream). It is for a batch that consults many
// short streams: one transaction rather than one or two each. The events
// are those committed when the read starts.
func (s *Store) ReadStreams(ctx context.Context, streams []string, max int) (out [][]eventstore.RecordedEvent, ok []bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if _, _, err := s.watch(); err != nil {
		return nil, nil, err
	}
	out, ok = make([][]eventstore.RecordedEvent, len(streams)), make([]bool, len(streams))
	var d decoder
	err = s.view(func(tx *bbolt.Tx) error {
		heads, log := tx.Bucket(bucketHeads), tx.Bucket(bucketLog)
		for i, stream := range streams {
			if eventstore.ValidateStreamID(stream) != nil {
				continue // ReadStream reports it
			}
			if version, _ := streamHead(heads, stream); version > uint64(max) {
				continue
			}
			positions, err := streamPositions(tx, stream, 0)
			if err != nil {
				return fmt.Errorf("bolt: read %q: %w", stream, err)
			}
			for _, pos := range positions {
				ev, err := d.decode(pos, log.Get(u64(pos)))
				if err != nil {
					return fmt.Errorf("bolt: read %q: %w", stream, err)
				}
				out[i] = append(out[i], ev)
			}
			ok[i] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, ok, nil
}
