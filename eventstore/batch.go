package eventstore

import (
	"context"
	"errors"
	"fmt"
)

// StreamAppend is one append of a batch: what Store.Append takes, and the
// earlier appends of the batch it was decided upon.
type StreamAppend struct {
	Stream   string
	Expected ExpectedVersion
	Events   []EventData
	// After lists indexes of earlier appends in the same batch that this
	// one depends on: when one of them is rejected, so is this one.
	After []int
	// EncodedJSON says the appender wrote every event's Data and Metadata
	// with an encoder that writes only valid JSON (encoding/json, or one
	// whose bytes are tested equal to its output): the store then skips
	// its own JSON check of them (ValidateStreamAppend). Every other limit
	// is still checked.
	EncodedJSON bool
}

// BatchResult is the outcome of one append of a batch: Err is what
// Store.Append would have returned, or nil with the AppendResult.
type BatchResult struct {
	AppendResult
	Err error
}

// ErrEarlierFailed is returned, wrapped with ErrWrongVersion, for an append
// of a batch whose stream already had an append rejected earlier in the
// same batch, or one of whose After appends was rejected: it was prepared
// against a state that was never stored.
var ErrEarlierFailed = fmt.Errorf("%w: an earlier append to the stream in this batch failed", ErrWrongVersion)

// BatchAppender is implemented by stores that commit many appends at once.
//
// AppendBatch settles the appends in order, each exactly as Append would,
// against the state the appends before it left: each one is atomic and
// answered on its own (a rejected append does not fail the others), except
// that once an append to a stream is rejected, every later append to that
// stream in the batch fails with ErrEarlierFailed, and so does every append
// that lists a rejected one in its After. The events of accepted
// appends get positions in the order of the batch. AppendBatch returns
// once every accepted append is durable, with one result per append.
//
// The batch as a whole is not atomic: a store may commit it in several
// transactions, so when AppendBatch returns an error (the store closed or
// failed, ctx ended), with no results, a prefix of the batch may be stored. Appending the same
// batch again is safe: the stored appends are idempotent retries.
type BatchAppender interface {
	AppendBatch(ctx context.Context, appends []StreamAppend) ([]BatchResult, error)
}

// Appender is the part of a Store that AppendBatch needs.
type Appender interface {
	Append(ctx context.Context, stream string, expected ExpectedVersion, events ...EventData) (AppendResult, error)
}

// AppendBatch appends a batch to s: with s's own AppendBatch when it has
// one, else one Append after the other, with the same results (one commit
// per append).
func AppendBatch(ctx context.Context, s Appender, appends []StreamAppend) ([]BatchResult, error) {
	if b, ok := s.(BatchAppender); ok {
		return b.AppendBatch(ctx, appends)
	}
	out := make([]BatchResult, len(appends))
	failed := map[string]bool{}
	for i, a := range appends {
		if failed[a.Stream] || DependsOnFailed(a, out) {
			out[i].Err = ErrEarlierFailed
			failed[a.Stream] = true
			continue
		}
		res, err := s.Append(ctx, a.Stream, a.Expected, a.Events...)
		if err != nil && (errors.Is(err, ErrClosed) || ctx.Err() != nil) {
			return nil, err
		}
		out[i] = BatchResult{res, err}
		if err != nil {
			failed[a.Stream] = true
		}
	}
	return out, nil
}

// DependsOnFailed reports whether one of a's After appends has failed in
// results, the results so far of its batch.
func DependsOnFailed(a StreamAppend, results []BatchResult) bool {
	for _, j := range a.After {
		if j >= 0 && j < len(results) && results[j].Err != nil {
			return true
		}
	}
	return false
}
