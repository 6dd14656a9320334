package domain_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleEvents holds one event of every type, with every field set.
func sampleEvents() []domain.Event {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	return []domain.Event{
		domain.DepartmentRegistered{DepartmentID: "legal", Name: "Legal", At: at},
		domain.DepartmentRenamed{DepartmentID: "legal", Name: "Legal & Compliance", At: at},
		domain.DepartmentRetired{DepartmentID: "legal", At: at},
		domain.AgreementSet{Supplier: "legal", Customer: "sales", Kind: "contract-review", ResolveWithinS: 259200, RespondWithinS: 14400, At: at},
		domain.HandoffRequested{HandoffID: "h-1", Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Review the ACME contract",
			Agreement: &domain.AgreementTerms{Version: 2, Kind: "contract-review", ResolveWithinS: 259200, RespondWithinS: 14400}, At: at},
		domain.HandoffAccepted{HandoffID: "h-1", At: at},
		domain.HandoffPaused{HandoffID: "h-1", Reason: "waiting for the signed NDA", At: at},
		domain.HandoffResumed{HandoffID: "h-1", At: at},
		domain.HandoffDelivered{HandoffID: "h-1", Delivery: 1, Note: "redlined copy attached", At: at},
		domain.HandoffReturned{HandoffID: "h-1", Reason: "clause 7 missing", At: at},
		domain.HandoffEscalated{HandoffID: "h-1", Reason: "deal closes Friday", At: at},
		domain.HandoffCancelled{HandoffID: "h-1", Reason: "deal lost", At: at},
		domain.HandoffRated{HandoffID: "h-1", Delivery: 2, Score: 4, Comment: "quick and clear", At: at},
		domain.PairRecognised{From: "sales", To: "legal", Message: "the ACME review saved the deal", Author: "sales-head", At: at},
	}
}

// TestEventJSONIsStable fails when an event's JSON changes: give the event a
// new version (".v2") instead, then run go test ./domain -run TestEventJSON -update.
func TestEventJSONIsStable(t *testing.T) {
	var sampled []string
	for _, e := range sampleEvents() {
		typ := domain.EventType(e)
		sampled = append(sampled, typ)
		t.Run(typ, func(t *testing.T) {
			got, err := domain.Encode(e)
			require.NoError(t, err)
			path := filepath.Join("testdata", typ+".json")
			if *update {
				require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file for %s", typ)
			require.Equal(t, string(bytes.TrimSpace(want)), string(got), "JSON of %s changed without a new version", typ)
			back, err := domain.Decode(typ, want)
			require.NoError(t, err)
			assert.Equal(t, e, back, "decode(golden)")
			assert.True(t, domain.IsDomainType(typ))
		})
	}
	assert.Equal(t, domain.EventTypes(), sampled, "one sample of every registered event type, in registry order")
}

func TestRegistryFacts(t *testing.T) {
	for _, e := range sampleEvents() {
		typ := domain.EventType(e)
		assert.Equal(t, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), domain.OccurredAt(e), typ)
		id, ok := domain.HandoffOf(e)
		if strings.HasPrefix(typ, "handoff.") {
			assert.True(t, ok, typ)
			assert.Equal(t, "h-1", id, typ)
		} else {
			assert.False(t, ok, typ)
			assert.Empty(t, id, typ)
		}
	}
	// Values that are not events: pointers and foreign types.
	for _, v := range []domain.Event{&domain.HandoffAccepted{HandoffID: "h-1"}, "handoff.accepted.v1", nil} {
		assert.Empty(t, domain.EventType(v), "%T", v)
		assert.True(t, domain.OccurredAt(v).IsZero(), "%T", v)
		_, ok := domain.HandoffOf(v)
		assert.False(t, ok, "%T", v)
		_, err := domain.Encode(v)
		assert.Error(t, err, "%T", v)
	}
}

func TestDecodeRejectsUnknownType(t *testing.T) {
	_, err := domain.Decode("handoff.teleported.v1", []byte(`{}`))
	assert.Error(t, err, "an unknown type")
	assert.False(t, domain.IsDomainType("$stream.created"), "a system type")
	_, err = domain.Decode(domain.TypeHandoffRated, []byte(`{"score":"five"}`))
	assert.Error(t, err, "a malformed payload")
}
