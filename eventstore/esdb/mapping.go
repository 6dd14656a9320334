package esdb

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cadena-project/cadena/eventstore"
)

// This file holds the pure translations between the contract and the
// KurrentDB client: versions, positions, events and errors. None of it talks
// to a server.

// expectedRevision maps the contract's expected version to the client's.
// A stream of version v holds revisions 0 to v-1, so Exact(n) is
// Revision(n-1). The client reads only value forms (esdb.Revision, never
// *esdb.StreamRevision).
func expectedRevision(v eventstore.ExpectedVersion) (esdb.ExpectedRevision, error) {
	switch {
	case v == eventstore.Any:
		return esdb.Any{}, nil
	case v == eventstore.NoStream:
		return esdb.NoStream{}, nil
	case v > 0:
		return esdb.Revision(uint64(v) - 1), nil
	default:
		return nil, fmt.Errorf("expected version %d is neither Any, NoStream nor Exact(n)", int64(v))
	}
}

// versionOf is the contract version of the event at a stream revision.
func versionOf(revision uint64) uint64 { return revision + 1 }

// fromVersion is the first stream revision with a version greater than
// after: ReadStream(after) starts at revision after, inclusive.
func fromVersion(after uint64) esdb.StreamPosition {
	if after == 0 {
		return esdb.Start{}
	}
	return esdb.Revision(after)
}

// allPosition is the $all position of the event whose commit position is p.
// Events appended over gRPC are written without explicit transactions, so
// their commit and prepare positions are equal.
func allPosition(p uint64) esdb.AllPosition {
	if p == 0 {
		return esdb.Start{}
	}
	return esdb.Position{Commit: p, Prepare: p}
}

// unknownPosition is what the client reports when the server sent no $all
// position with an event (stream reads on servers older than 22.6 send -1).
const unknownPosition = math.MaxUint64

// isSystemEvent reports whether an event type belongs to KurrentDB itself
// ("$epoch-information", "$>", "$metadata", ...). Contract events never
// start with '$': ValidateEvent allows it, so Append refuses it here.
func isSystemEvent(eventType string) bool { return strings.HasPrefix(eventType, "$") }

// toEventData converts an event to append. The contract's ID becomes the
// KurrentDB event ID, so the server's own idempotency check applies.
func toEventData(e eventstore.EventData) (esdb.EventData, error) {
	id, err := uuid.Parse(e.ID)
	if err != nil {
		return esdb.EventData{}, fmt.Errorf("%w: ID %q: %v", eventstore.ErrInvalidEvent, e.ID, err)
	}
	if isSystemEvent(e.Type) {
		return esdb.EventData{}, fmt.Errorf("%w: type %q: types starting with '$' are reserved by KurrentDB", eventstore.ErrInvalidEvent, e.Type)
	}
	return esdb.EventData{
		EventID:     id,
		EventType:   e.Type,
		ContentType: esdb.ContentTypeJson,
		Data:        e.Data,
		Metadata:    e.Metadata,
	}, nil
}

// toRecorded converts an event read from the server. It fails when the
// server did not report the event's $all position.
func toRecorded(e *esdb.RecordedEvent) (eventstore.RecordedEvent, error) {
	if e.Position.Commit == unknownPosition {
		return eventstore.RecordedEvent{}, fmt.Errorf("event %s/%d has no $all position: the server is older than EventStoreDB 22.6", e.StreamID, e.EventNumber)
	}
	r := eventstore.RecordedEvent{
		ID:         e.EventID.String(),
		Type:       e.EventType,
		StreamID:   e.StreamID,
		Version:    versionOf(e.EventNumber),
		Position:   e.Position.Commit,
		RecordedAt: e.CreatedDate.UTC(),
		Data:       e.Data,
		Metadata:   e.UserMetadata,
	}
	if len(r.Metadata) == 0 {
		r.Metadata = nil
	}
	return r, nil
}

// sameEvent reports whether a stored event is the one an append proposes.
func sameEvent(r eventstore.RecordedEvent, e eventstore.EventData) bool {
	return r.ID == e.ID && r.Type == e.Type &&
		string(r.Data) == string(e.Data) && string(r.Metadata) == string(e.Metadata)
}

// errorCode returns the client error code carried anywhere in err's chain.
// The client wraps its *esdb.Error with fmt.Errorf("...: %w"), so errors.As
// is needed; esdb.FromError neither unwraps nor reports success usefully.
func errorCode(err error) (esdb.ErrorCode, bool) {
	var e *esdb.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// hasCode reports whether err carries the client error code c.
func hasCode(err error, c esdb.ErrorCode) bool {
	code, ok := errorCode(err)
	return ok && code == c
}

// isNotFound reports whether a stream read failed because the stream does
// not exist, which the contract treats as an empty stream.
func isNotFound(err error) bool { return hasCode(err, esdb.ErrorCodeResourceNotFound) }

// isClientClosed reports whether the client refused the call because it is
// closed for good: after Close, or after a failed node discovery.
func isClientClosed(err error) bool { return hasCode(err, esdb.ErrorCodeConnectionClosed) }

// isPermanent reports whether retrying err cannot help: credentials and
// permissions, or a request the server does not support.
func isPermanent(err error) bool {
	code, ok := errorCode(err)
	if !ok {
		return false
	}
	switch code {
	case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied,
		esdb.ErrorCodeUnsupportedFeature, esdb.ErrorCodeStreamDeleted:
		return true
	}
	return false
}

// isAppendTooLarge reports whether the server refused an append for its
// size (its MaxAppendSize or MaxAppendEventSize settings). The client
// reports it as ErrorCodeUnknown; only the gRPC status tells.
func isAppendTooLarge(err error) bool {
	var e *esdb.Error
	if !errors.As(err, &e) || e.Err() == nil {
		return false
	}
	st, ok := status.FromError(e.Err())
	return ok && st.Code() == codes.InvalidArgument && strings.Contains(st.Message(), "Maximum Append")
}
