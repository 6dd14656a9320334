package esdb

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/cadena-project/cadena/eventstore"
)

func TestExpectedRevision(t *testing.T) {
	tests := []struct {
		in   eventstore.ExpectedVersion
		want esdb.ExpectedRevision
	}{
		{eventstore.Any, esdb.Any{}},
		{eventstore.NoStream, esdb.NoStream{}},
		{eventstore.Exact(0), esdb.NoStream{}},
		{eventstore.Exact(1), esdb.Revision(0)},
		{eventstore.Exact(42), esdb.Revision(41)},
	}
	for _, tt := range tests {
		got, err := expectedRevision(tt.in)
		require.NoError(t, err, "expectedRevision(%d)", tt.in)
		// Values, never pointers: the client ignores *esdb.StreamRevision.
		assert.Equal(t, tt.want, got, "expectedRevision(%d)", tt.in)
	}
	_, err := expectedRevision(-2)
	assert.Error(t, err, "expectedRevision(-2)")
}

func TestVersionsAndPositions(t *testing.T) {
	assert.Equal(t, uint64(1), versionOf(0), "versionOf(0)")
	assert.Equal(t, esdb.StreamPosition(esdb.Start{}), fromVersion(0), "fromVersion(0)")
	// Versions above 3 are revisions 3 and up.
	assert.Equal(t, esdb.StreamPosition(esdb.Revision(3)), fromVersion(3), "fromVersion(3)")
	assert.Equal(t, esdb.AllPosition(esdb.Start{}), allPosition(0), "allPosition(0)")
	assert.Equal(t, esdb.AllPosition(esdb.Position{Commit: 1234, Prepare: 1234}), allPosition(1234), "allPosition(1234)")
}

func TestToEventData(t *testing.T) {
	id := eventstore.NewID()
	got, err := toEventData(eventstore.EventData{ID: id, Type: "handoff.requested.v1", Data: []byte(`{}`), Metadata: []byte(`{"m":1}`)})
	require.NoError(t, err)
	assert.Equal(t, esdb.EventData{EventID: uuid.MustParse(id), EventType: "handoff.requested.v1", ContentType: esdb.ContentTypeJson,
		Data: []byte(`{}`), Metadata: []byte(`{"m":1}`)}, got)
	_, err = toEventData(eventstore.EventData{ID: id, Type: "$metadata", Data: []byte(`{}`)})
	assert.ErrorIs(t, err, eventstore.ErrInvalidEvent, "system type")
}

func TestToRecorded(t *testing.T) {
	id := uuid.New()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	in := &esdb.RecordedEvent{
		EventID: id, EventType: "t.v1", StreamID: "s", EventNumber: 4,
		Position: esdb.Position{Commit: 900, Prepare: 900}, CreatedDate: created,
		Data: []byte(`{"a":1}`), UserMetadata: []byte{},
	}
	got, err := toRecorded(in)
	require.NoError(t, err)
	want := eventstore.RecordedEvent{
		ID: id.String(), Type: "t.v1", StreamID: "s", Version: 5, Position: 900,
		RecordedAt: created.UTC(), Data: []byte(`{"a":1}`),
	}
	assert.Equal(t, want, got)
	assert.Equal(t, time.UTC, got.RecordedAt.Location(), "RecordedAt's location")
	in.Position = esdb.Position{Commit: unknownPosition, Prepare: unknownPosition}
	_, err = toRecorded(in)
	assert.Error(t, err, "unknown position")
}

func TestIsSystemEvent(t *testing.T) {
	for typ, want := range map[string]bool{
		"$statsCollected": true, "$>": true, "$metadata": true, "$epoch-information": true,
		"handoff.requested.v1": false, "a$b": false,
	} {
		assert.Equal(t, want, isSystemEvent(typ), "isSystemEvent(%q)", typ)
	}
}

// closedClientError returns the error a closed client returns, built by the
// client itself.
func closedClientError(t *testing.T) error {
	t.Helper()
	cfg, err := esdb.ParseConnectionString("esdb://127.0.0.1:1?tls=false")
	require.NoError(t, err)
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	require.NoError(t, err)
	c.Close()
	_, err = c.AppendToStream(t.Context(), "s", esdb.AppendToStreamOptions{})
	require.Error(t, err, "append on a closed client")
	return err
}

func TestErrorMapping(t *testing.T) {
	closed := closedClientError(t)
	require.True(t, isClientClosed(closed), "isClientClosed(%v)", closed)
	// The client wraps its errors with %w; so does the store.
	wrapped := fmt.Errorf("could not construct append operation. Reason: %w", closed)
	assert.True(t, isClientClosed(wrapped) && isClientClosed(fmt.Errorf("esdb: %w", wrapped)), "isClientClosed does not unwrap")
	assert.False(t, isNotFound(closed) || isPermanent(closed) || hasCode(closed, esdb.ErrorCodeWrongExpectedVersion),
		"closed-client error classified as something else")
	assert.False(t, isClientClosed(errors.New("plain")) || isPermanent(errors.New("plain")), "plain error classified as a client error")
	_, ok := errorCode(nil)
	assert.False(t, ok, "errorCode(nil) reported a code")
}
