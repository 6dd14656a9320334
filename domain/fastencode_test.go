package domain

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastEncodeAgreesWithEncodingJSON holds the fast path to the bytes
// encoding/json writes: they are stored, and a retried append is
// recognised by comparing them.
func TestFastEncodeAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	at := time.Date(2025, 3, 1, 12, 30, 0, 5, time.FixedZone("", 3600))
	events := []Event{
		DepartmentRegistered{DepartmentID: "group-1", Name: "Group <1> & \u2028 \xff", At: at},
		HandoffRequested{HandoffID: "h", Supplier: "a", Customer: "b", Kind: "work", Title: "t", Details: "d", At: at},
		HandoffRequested{HandoffID: "h", At: at, Agreement: &AgreementTerms{Version: 3, ResolveWithinS: 60}},
		HandoffDelivered{HandoffID: "h", Delivery: 2, Note: "n", At: at},
		HandoffEscalated{HandoffID: "h", At: at},
		HandoffCancelled{HandoffID: "h", Reason: "r", At: at},
		HandoffPaused{HandoffID: "h", At: at},
		HandoffReturned{HandoffID: "h", At: at},
	}
	for range 2000 {
		events = append(events, randomEvent(r))
	}
	fast := 0
	for _, e := range events {
		want, err := json.Marshal(e)
		require.NoError(t, err)
		got, ok := fastEncode(e)
		if !ok {
			continue
		}
		fast++
		assert.Equal(t, string(want), string(got), "%#v", e)
		enc, err := Encode(e)
		require.NoError(t, err)
		// Stores take these bytes unchecked (StreamAppend.EncodedJSON):
		// they are encoding/json's.
		assert.Equal(t, string(want), string(enc))
		// Appended after other bytes, with the type name.
		app, typ, err := AppendEncoded([]byte("before"), e)
		require.NoError(t, err)
		assert.Equal(t, "before"+string(want), string(app))
		assert.Equal(t, EventType(e), typ)
	}
	assert.Greater(t, fast, len(events)/2, "the fast path took too few of the events")
}

// TestFastEncodeDeclinesWhatEncodingJSONRefuses leaves a year outside
// 0-9999 to encoding/json, which reports it.
func TestFastEncodeDeclinesWhatEncodingJSONRefuses(t *testing.T) {
	e := HandoffAccepted{HandoffID: "h", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, ok := fastEncode(e)
	assert.False(t, ok)
	_, err := Encode(e)
	assert.Error(t, err)
	b, _, err := AppendEncoded([]byte("before"), e)
	assert.Error(t, err)
	assert.Equal(t, "before", string(b), "nothing appended")
	b, _, err = AppendEncoded([]byte("before"), struct{}{})
	assert.Error(t, err, "not an event")
	assert.Equal(t, "before", string(b))
}

func BenchmarkEncode(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	events := make([]Event, 1000)
	for i := range events {
		events[i] = randomEvent(r)
	}
	for _, path := range []string{"fast", "encoding-json"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if path == "fast" {
					_, _ = Encode(events[i%len(events)])
				} else {
					_, _ = json.Marshal(events[i%len(events)])
				}
			}
		})
	}
}
