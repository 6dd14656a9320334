// Package eventstore is the contract between cadena and the log it keeps its
// facts in: append events to a stream with an optimistic-concurrency check,
// read one stream, read the global log, and follow it live.
//
// # Basics
//
// A stream is an ordered list of events identified by a stream ID (for
// example "handoff-7f3c..."). Its version is the number of events it holds:
// the first event has version 1, and a stream that does not exist has
// version 0. Every event also receives a global position when it is
// committed. Positions strictly increase in commit order and are never
// reused; they may have gaps (the KurrentDB backend uses commit positions),
// so callers compare positions and never count on them being dense.
//
// Reads take an exclusive lower bound ("after"): ReadStream(ctx, s, 0)
// yields a whole stream, ReadAll(ctx, p) yields every event committed after
// position p. A checkpoint is therefore simply the last position applied.
//
// Reading a stream that does not exist is not an error: it yields nothing.
//
// # Caveats
//
// The byte slices of a RecordedEvent belong to the caller once yielded; a
// store never reuses them. Iterators must be drained or abandoned (break)
// before ctx is cancelled for prompt release of resources; a store never
// holds a lock between two yields of a subscription.
//
// Implementations live in sub-packages (eventstore/bolt, eventstore/postgres,
// eventstore/esdb, eventstore/memory) and all pass eventstore/storetest.
// Their constructors share one shape: the location of the data, then the
// package's Options (whose zero value is ready to use), returning the
// concrete *Store: bolt.Open(path, opts) and, for a server,
// postgres.Open(ctx, url, opts) and esdb.Open(ctx, url, opts); memory.New(opts)
// has no location and cannot fail.
package eventstore

import (
	"context"
	"iter"
	"time"
)

// ExpectedVersion is the version a stream must have for an append to succeed.
// Use Any, NoStream, or Exact(n).
type ExpectedVersion int64

const (
	// Any appends whatever the stream's current version.
	Any ExpectedVersion = -1
	// NoStream appends only if the stream has no events yet.
	NoStream ExpectedVersion = 0
)

// Exact expects the stream to hold exactly n events. Exact(0) is NoStream.
func Exact(n uint64) ExpectedVersion { return ExpectedVersion(n) }

// EventData is an event to append.
type EventData struct {
	// ID identifies the event; it must be a canonical UUID string
	// ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case). Appending an ID
	// already stored makes the append an idempotent retry (see Store.Append).
	ID string
	// Type is a stable, versioned name such as "handoff.requested.v1".
	Type string
	// Data and Metadata are JSON documents. Metadata may be empty.
	Data     []byte
	Metadata []byte
}

// RecordedEvent is an event as the store keeps it.
type RecordedEvent struct {
	ID         string
	Type       string
	StreamID   string
	Version    uint64    // 1 for the first event of its stream
	Position   uint64    // global position, strictly increasing in commit order
	RecordedAt time.Time // when the store committed it (UTC)
	Data       []byte
	Metadata   []byte
}

// AppendResult tells where an append left the stream and the log.
type AppendResult struct {
	// Version is the stream's version after the append.
	Version uint64
	// Position is the global position of the last event appended.
	Position uint64
}

// Store is the contract every event store implements.
type Store interface {
	// Append adds events to a stream atomically: all of them or none. It
	// returns ErrWrongVersion (wrapped) when the stream's version does not
	// match expected. It returns only once the events are durable.
	//
	// Idempotency: when every event's ID is already stored in this stream,
	// in the same order and with the same type, data and metadata, Append
	// appends nothing and returns the result of the original append,
	// whatever expected is. An ID that is stored with a different payload, or
	// in another stream, returns ErrDuplicateID.
	//
	// An event ID belongs to one stream for good, on every backend: an
	// append proposing to another stream an ID already stored returns
	// ErrDuplicateID, whatever expected is, alone or with new IDs, and
	// appends nothing; of appends racing to put one new ID in different
	// streams exactly one succeeds (the conformance suite's
	// IDInAnotherStream and IDRace). A backend may also keep the IDs of an
	// append that failed for its stream (eventstore/esdb reserves IDs before
	// appending), so reuse an ID only to retry the same append.
	Append(ctx context.Context, stream string, expected ExpectedVersion, events ...EventData) (AppendResult, error)

	// ReadStream yields the events of one stream with a version greater than
	// after, in order. A stream that does not exist yields nothing.
	ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[RecordedEvent, error]

	// ReadAll yields every event of the global log with a position greater
	// than after, in commit order, up to the end of the log as it was when
	// the read started, then stops.
	ReadAll(ctx context.Context, after uint64) iter.Seq2[RecordedEvent, error]

	// Subscribe yields every event with a position greater than after, in
	// commit order: it catches up with the log and then follows live
	// appends, with no gap and no duplicate at the boundary. It runs until
	// ctx ends, when it yields ctx.Err() once and stops, or until the store
	// fails or closes, when it yields that error and stops.
	Subscribe(ctx context.Context, after uint64) iter.Seq2[RecordedEvent, error]

	// Head returns the position of the last event in the global log, 0 when
	// the log is empty.
	Head(ctx context.Context) (uint64, error)

	// Close releases the store. Calls after Close return ErrClosed.
	Close() error
}
