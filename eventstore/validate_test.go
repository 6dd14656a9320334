package eventstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

func TestValidateAppend(t *testing.T) {
	ok := eventstore.EventData{ID: eventstore.NewID(), Type: "x.happened.v1", Data: []byte(`{}`)}
	big := ok
	big.Data = []byte(`"` + strings.Repeat("a", eventstore.MaxEventSize) + `"`)
	tests := []struct {
		name   string
		stream string
		events []eventstore.EventData
		want   error
	}{
		{"valid", "s-1", []eventstore.EventData{ok}, nil},
		{"empty stream", "", []eventstore.EventData{ok}, eventstore.ErrInvalidStream},
		{"long stream", strings.Repeat("s", 257), []eventstore.EventData{ok}, eventstore.ErrInvalidStream},
		{"control char", "s\x00", []eventstore.EventData{ok}, eventstore.ErrInvalidStream},
		{"no events", "s", nil, eventstore.ErrEmptyAppend},
		{"too large", "s", []eventstore.EventData{big}, eventstore.ErrEventTooLarge},
		{"bad id", "s", []eventstore.EventData{{ID: "nope", Type: "t", Data: []byte(`{}`)}}, eventstore.ErrInvalidEvent},
		{"upper-case id", "s", []eventstore.EventData{{ID: strings.ToUpper(ok.ID), Type: "t", Data: []byte(`{}`)}}, eventstore.ErrInvalidEvent},
		{"no type", "s", []eventstore.EventData{{ID: ok.ID, Data: []byte(`{}`)}}, eventstore.ErrInvalidEvent},
		{"not json", "s", []eventstore.EventData{{ID: ok.ID, Type: "t", Data: []byte(`{`)}}, eventstore.ErrInvalidEvent},
		{"same id twice", "s", []eventstore.EventData{ok, ok}, eventstore.ErrInvalidEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := eventstore.ValidateAppend(tt.stream, tt.events)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("ValidateAppend = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNewIDIsCanonicalAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := eventstore.NewID()
		if !eventstore.IsUUID(id) || id[14] != '4' {
			t.Fatalf("NewID() = %q, not a canonical v4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}
