package eventstore_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

// TestValidateStreamAppendTrustsEncodedJSON skips the JSON check only
// when the append vouches for its JSON, and keeps every other limit.
func TestValidateStreamAppendTrustsEncodedJSON(t *testing.T) {
	id := eventstore.NewID()
	notJSON := []eventstore.EventData{{ID: id, Type: "t", Data: []byte(`{`), Metadata: []byte(`[`)}}
	assert.ErrorIs(t, eventstore.ValidateStreamAppend(eventstore.StreamAppend{Stream: "s", Events: notJSON}), eventstore.ErrInvalidEvent)
	assert.NoError(t, eventstore.ValidateStreamAppend(eventstore.StreamAppend{Stream: "s", Events: notJSON, EncodedJSON: true}))
	for name, a := range map[string]eventstore.StreamAppend{
		"bad stream":    {Stream: "", Events: notJSON},
		"no events":     {Stream: "s"},
		"bad id":        {Stream: "s", Events: []eventstore.EventData{{ID: "nope", Type: "t", Data: []byte(`{}`)}}},
		"no type":       {Stream: "s", Events: []eventstore.EventData{{ID: id, Data: []byte(`{}`)}}},
		"same id twice": {Stream: "s", Events: []eventstore.EventData{{ID: id, Type: "t", Data: []byte(`{}`)}, {ID: id, Type: "t", Data: []byte(`{}`)}}},
		"too large":     {Stream: "s", Events: []eventstore.EventData{{ID: id, Type: "t", Data: make([]byte, eventstore.MaxEventSize+1)}}},
	} {
		a.EncodedJSON = true
		assert.Error(t, eventstore.ValidateStreamAppend(a), name)
	}
}

func TestNewIDIsCanonicalAndIncreasing(t *testing.T) {
	last := ""
	for i := 0; i < 10000; i++ { // more than one millisecond's sequence
		id := eventstore.NewID()
		require.True(t, eventstore.IsUUID(id) && id[14] == '7' && strings.ContainsRune("89ab", rune(id[19])),
			"NewID() = %q, not a canonical v7 UUID", id)
		require.Greater(t, id, last, "NewID() after %q", last)
		last = id
	}
}

func TestNewIDCarriesTheTime(t *testing.T) {
	before := time.Now().UnixMilli()
	id := eventstore.NewID()
	after := time.Now().UnixMilli()
	ms, err := strconv.ParseInt(strings.ReplaceAll(id[:13], "-", ""), 16, 64)
	require.NoError(t, err)
	// A sequence run out borrows milliseconds from the future: a few, after
	// the thousands of IDs of the test above.
	assert.True(t, before <= ms && ms <= after+1000, "NewID() at %d..%d = %q, time %d", before, after, id, ms)
}

// TestIsUUID: canonical lower-case UUID strings are UUIDs, and parse to
// bytes that format back to them; anything else is not one.
func TestIsUUID(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"ffffffff-ffff-ffff-ffff-ffffffffffff", true},
		{"0190A6B2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", false}, // upper case
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1g", false}, // not hex, last
		{"g190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", false}, // not hex, first
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a/b", false}, // just below '0'
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a:b", false}, // just above '9'
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a`b", false}, // just below 'a'
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a\xffb", false},
		{"0190a6b2-7c3d-7e4f-8a5b_6c7d8e9f0a1b", false},  // a dash replaced
		{"0190a6b27c3d-7e4f-8a5b-6c7d8e9f0a1b0", false},  // a dash moved
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1", false},   // short
		{"0190a6b2-7c3d-7e4f-8a5b-6c7d8e9f0a1bb", false}, // long
		{"", false},
	} {
		assert.Equal(t, tc.want, eventstore.IsUUID(tc.s), "%q", tc.s)
		if id, ok := eventstore.ParseUUID(tc.s); tc.want {
			assert.True(t, ok, "%q", tc.s)
			assert.Equal(t, tc.s, eventstore.FormatUUID(id), "%q parsed and formatted", tc.s)
		} else {
			assert.False(t, ok, "%q", tc.s)
		}
	}
}
