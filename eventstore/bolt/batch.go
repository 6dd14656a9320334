package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

var _ eventstore.BatchAppender = (*Store)(nil)

// AppendBatch appends a batch as eventstore.BatchAppender says. The appends
// join the queue together, in order, so the committer settles them in as
// few transactions as MaxBatchBytes allows (one for a batch under it), with
// one fsync each, alongside concurrent Appends.
//
// If ctx ends before the committer takes every append, the ones not yet
// taken are dropped and AppendBatch returns ctx.Err() once those taken are
// settled.
func (s *Store) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	arena := newArena(appends)
	return groupcommit.AppendBatch(ctx, s.queue, "bolt", appends,
		func(a eventstore.StreamAppend, m groupcommit.Member) *request {
			req := arena.newRequest(a.Stream, a.Expected, a.Events)
			req.member = m
			return req
		},
		func(o outcome) eventstore.BatchResult { return eventstore.BatchResult{AppendResult: o.res, Err: o.err} })
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
	heads, inMemory, at := s.heads.committedHeads(streams...)
	err = s.view(func(tx *bbolt.Tx) error {
		bucket, log := newGetter(tx.Bucket(bucketHeads)), newGetter(tx.Bucket(bucketLog))
		for i, stream := range streams {
			if eventstore.ValidateStreamID(stream) != nil {
				continue // ReadStream reports it
			}
			h := heads[i]
			if !inMemory[i] {
				var err error
				if h, err = headAt(tx, bucket, stream, at); err != nil {
					return fmt.Errorf("bolt: read %q: %w", stream, err)
				}
			}
			switch version := h.version; {
			case version > uint64(max):
				continue
			case version == 0: // most streams of an import are new
				ok[i] = true
				continue
			}
			positions, err := streamPositions(tx, stream, h, 0)
			if err != nil {
				return fmt.Errorf("bolt: read %q: %w", stream, err)
			}
			for _, pos := range positions {
				ev, err := d.decode(pos, log.position(pos))
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
