package esdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/cadena-project/cadena/eventstore"
)

// KurrentDB keeps no index of event IDs across streams, so the store keeps
// its own: before an append, each proposed ID is claimed in a stream of its
// own, named reservationPrefix+ID, by appending one event there with
// NoStream. The first claim of an ID succeeds; any later one conflicts, and
// the reservation names the stream the ID belongs to. Reservations are
// system-typed events (reservationType starts with '$'), so ReadAll, Head
// and Subscribe skip them like the server's own.

// reservationPrefix starts the name of every stream holding a reservation.
// Contract streams may not start with it.
const reservationPrefix = "esdb-eventid-"

// reservationType is the type of a reservation event.
const reservationType = "$cadena-eventid"

// reservation is the data of a reservation event.
type reservation struct {
	Stream string `json:"stream"`
}

// reserve claims the IDs of an append for stream. fresh reports that no
// earlier append, to any stream, proposed any of them: the append cannot be
// a retry. An ID already claimed for another stream is ErrDuplicateID.
func (s *Store) reserve(ctx context.Context, stream string, events []eventstore.EventData) (fresh bool, err error) {
	fresh = true
	for _, e := range events {
		owner, err := s.reserveID(ctx, stream, e.ID)
		if err != nil {
			return false, fmt.Errorf("esdb: append to %q: reserving event ID %s: %w", stream, e.ID, err)
		}
		switch owner {
		case "":
		case stream:
			fresh = false // proposed before: a retry, or a reuse the search will judge
		default:
			return false, fmt.Errorf("esdb: append to %q: %w: %s is already used in another stream", stream, eventstore.ErrDuplicateID, e.ID)
		}
	}
	return fresh, nil
}

// reserveID claims id for stream. It returns "" when the claim is new, and
// otherwise the stream the ID was claimed for first.
func (s *Store) reserveID(ctx context.Context, stream, id string) (owner string, err error) {
	data, err := json.Marshal(reservation{Stream: stream})
	if err != nil {
		return "", err
	}
	// A random event ID: a second claim, even for the same stream, must
	// conflict rather than pass as the server's idempotent repeat.
	ev := esdb.EventData{EventID: uuid.New(), EventType: reservationType, ContentType: esdb.ContentTypeJson, Data: data}
	name := reservationPrefix + id
	_, err = call(ctx, s.conn, func(ctx context.Context, c client) (*esdb.WriteResult, error) {
		return c.AppendToStream(ctx, name, esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}}, ev)
	})
	if err == nil {
		return "", nil
	}
	if !hasCode(err, esdb.ErrorCodeWrongExpectedVersion) {
		return "", err
	}
	first, err := s.readRange(ctx, name, 0, 1)
	if err != nil {
		return "", fmt.Errorf("reading the reservation: %w", err)
	}
	if len(first) == 0 {
		return "", fmt.Errorf("reservation stream %q is empty", name)
	}
	var r reservation
	if err := json.Unmarshal(first[0].Data, &r); err != nil || r.Stream == "" {
		return "", fmt.Errorf("reservation stream %q holds %s, not a reservation", name, first[0].Data)
	}
	return r.Stream, nil
}

// isReservationStream reports whether stream is one the store keeps event
// ID reservations in.
func isReservationStream(stream string) bool { return strings.HasPrefix(stream, reservationPrefix) }
