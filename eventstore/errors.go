package eventstore

import "errors"

// Errors a Store returns, wrapped with context; test them with errors.Is.
var (
	// ErrWrongVersion is returned when an append's expected version does not
	// match the stream's current version.
	ErrWrongVersion = errors.New("wrong expected version")
	// ErrDuplicateID is returned when an event ID is already stored with a
	// different payload or in a different stream or position.
	ErrDuplicateID = errors.New("event ID already used for a different event")
	// ErrEmptyAppend is returned when Append is called with no events.
	ErrEmptyAppend = errors.New("append has no events")
	// ErrEventTooLarge is returned when one event's data and metadata
	// together exceed MaxEventSize.
	ErrEventTooLarge = errors.New("event too large")
	// ErrInvalidStream is returned for an empty stream ID, one over
	// MaxStreamIDLen bytes, or one holding control characters or invalid UTF-8.
	ErrInvalidStream = errors.New("invalid stream ID")
	// ErrInvalidEvent is returned for an event with a malformed ID, an empty
	// or malformed type, or data that is not JSON.
	ErrInvalidEvent = errors.New("invalid event")
	// ErrClosed is returned by every call on a closed store.
	ErrClosed = errors.New("event store closed")
	// ErrUnavailable is returned when the store cannot serve a call now:
	// the disk is full, a write or sync failed, or the store's server
	// cannot be reached (connection refused or lost, server restarting).
	// An append that failed so may or may not have been stored; appending
	// the same events again is safe (see Store.Append) and succeeds once the
	// store can write.
	ErrUnavailable = errors.New("event store unavailable")
)
