package esdb

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

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
		if err != nil {
			t.Fatalf("expectedRevision(%d): %v", tt.in, err)
		}
		// Values, never pointers: the client ignores *esdb.StreamRevision.
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("expectedRevision(%d) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
	if _, err := expectedRevision(-2); err == nil {
		t.Error("expectedRevision(-2): no error")
	}
}

func TestVersionsAndPositions(t *testing.T) {
	if got := versionOf(0); got != 1 {
		t.Errorf("versionOf(0) = %d, want 1", got)
	}
	if got := fromVersion(0); got != (esdb.Start{}) {
		t.Errorf("fromVersion(0) = %#v, want Start", got)
	}
	// Versions above 3 are revisions 3 and up.
	if got := fromVersion(3); got != esdb.Revision(3) {
		t.Errorf("fromVersion(3) = %#v, want Revision(3)", got)
	}
	if got := allPosition(0); got != (esdb.Start{}) {
		t.Errorf("allPosition(0) = %#v, want Start", got)
	}
	if got := allPosition(1234); got != (esdb.Position{Commit: 1234, Prepare: 1234}) {
		t.Errorf("allPosition(1234) = %#v", got)
	}
}

func TestToEventData(t *testing.T) {
	id := eventstore.NewID()
	got, err := toEventData(eventstore.EventData{ID: id, Type: "handoff.requested.v1", Data: []byte(`{}`), Metadata: []byte(`{"m":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got.EventID.String() != id || got.EventType != "handoff.requested.v1" || got.ContentType != esdb.ContentTypeJson ||
		string(got.Data) != `{}` || string(got.Metadata) != `{"m":1}` {
		t.Errorf("toEventData = %+v", got)
	}
	_, err = toEventData(eventstore.EventData{ID: id, Type: "$metadata", Data: []byte(`{}`)})
	if !errors.Is(err, eventstore.ErrInvalidEvent) {
		t.Errorf("system type: err = %v, want ErrInvalidEvent", err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
	want := eventstore.RecordedEvent{
		ID: id.String(), Type: "t.v1", StreamID: "s", Version: 5, Position: 900,
		RecordedAt: created.UTC(), Data: []byte(`{"a":1}`),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("toRecorded = %+v, want %+v", got, want)
	}
	if got.RecordedAt.Location() != time.UTC {
		t.Error("RecordedAt not in UTC")
	}
	in.Position = esdb.Position{Commit: unknownPosition, Prepare: unknownPosition}
	if _, err := toRecorded(in); err == nil {
		t.Error("unknown position: no error")
	}
}

func TestIsSystemEvent(t *testing.T) {
	for typ, want := range map[string]bool{
		"$statsCollected": true, "$>": true, "$metadata": true, "$epoch-information": true,
		"handoff.requested.v1": false, "a$b": false,
	} {
		if got := isSystemEvent(typ); got != want {
			t.Errorf("isSystemEvent(%q) = %v", typ, got)
		}
	}
}

// closedClientError returns the error a closed client returns, built by the
// client itself.
func closedClientError(t *testing.T) error {
	t.Helper()
	cfg, err := esdb.ParseConnectionString("esdb://127.0.0.1:1?tls=false")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	_, err = c.AppendToStream(t.Context(), "s", esdb.AppendToStreamOptions{})
	if err == nil {
		t.Fatal("append on a closed client succeeded")
	}
	return err
}

func TestErrorMapping(t *testing.T) {
	closed := closedClientError(t)
	if !isClientClosed(closed) {
		t.Fatalf("isClientClosed(%v) = false", closed)
	}
	// The client wraps its errors with %w; so does the store.
	wrapped := fmt.Errorf("could not construct append operation. Reason: %w", closed)
	if !isClientClosed(wrapped) || !isClientClosed(fmt.Errorf("esdb: %w", wrapped)) {
		t.Error("isClientClosed does not unwrap")
	}
	if isNotFound(closed) || isPermanent(closed) || hasCode(closed, esdb.ErrorCodeWrongExpectedVersion) {
		t.Error("closed-client error classified as something else")
	}
	if isClientClosed(errors.New("plain")) || isPermanent(errors.New("plain")) {
		t.Error("plain error classified as a client error")
	}
	if _, ok := errorCode(nil); ok {
		t.Error("errorCode(nil) reported a code")
	}
}
