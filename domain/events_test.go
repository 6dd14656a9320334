package domain_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

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
		domain.AgreementSet{Supplier: "legal", Customer: "sales", Kind: "contract-review", ResolveWithinS: 259200, RespondWithinS: 14400, Calendar: "madrid", At: at},
		domain.CalendarSet{CalendarID: "madrid", CalendarSpec: domain.CalendarSpec{Name: "Madrid office", TimeZone: "Europe/Madrid",
			Week:       domain.Week{Mon: []string{"09:00-14:00", "15:00-18:00"}, Fri: []string{"08:00-15:00"}, Sun: []string{"22:00-24:00"}},
			Exceptions: []domain.CalendarException{{Date: "2026-11-09", Name: "Almudena"}, {Date: "2026-12-24", Name: "Nochebuena", Hours: []string{"09:00-13:00"}}}},
			At: at},
		domain.HandoffRequested{HandoffID: "h-1", Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Review the ACME contract",
			Agreement: &domain.AgreementTerms{Version: 2, Kind: "contract-review", ResolveWithinS: 259200, RespondWithinS: 14400, Calendar: "madrid"}, At: at},
		domain.HandoffAccepted{HandoffID: "h-1", At: at},
		domain.HandoffPaused{HandoffID: "h-1", Reason: "waiting for the signed NDA", At: at},
		domain.HandoffResumed{HandoffID: "h-1", At: at},
		domain.HandoffDelivered{HandoffID: "h-1", Delivery: 1, Note: "redlined copy attached", At: at},
		domain.HandoffReturned{HandoffID: "h-1", Reason: "clause 7 missing", At: at},
		domain.HandoffEscalated{HandoffID: "h-1", Reason: "deal closes Friday", At: at},
		domain.HandoffCancelled{HandoffID: "h-1", Reason: "deal lost", At: at},
		domain.HandoffRated{HandoffID: "h-1", Delivery: 2, Score: 4, Comment: "quick and clear", At: at},
	}
}

// TestEventJSONIsStable fails when an event's JSON changes: give the event a
// new version (".v2") instead, then run go test ./domain -run TestEventJSON -update.
func TestEventJSONIsStable(t *testing.T) {
	for _, e := range sampleEvents() {
		t.Run(e.EventType(), func(t *testing.T) {
			got, err := domain.Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", e.EventType()+".json")
			if *update {
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no golden file for %s: %v", e.EventType(), err)
			}
			if !bytes.Equal(got, bytes.TrimSpace(want)) {
				t.Fatalf("JSON of %s changed without a new version:\n got %s\nwant %s", e.EventType(), got, want)
			}
			back, err := domain.Decode(e.EventType(), want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, e) {
				t.Fatalf("decode(golden) = %#v, want %#v", back, e)
			}
			if !domain.IsDomainType(e.EventType()) {
				t.Fatalf("IsDomainType(%q) = false", e.EventType())
			}
		})
	}
}

func TestDecodeRejectsUnknownType(t *testing.T) {
	if _, err := domain.Decode("handoff.teleported.v1", []byte(`{}`)); err == nil {
		t.Fatal("Decode accepted an unknown type")
	}
	if domain.IsDomainType("$stream.created") {
		t.Fatal("IsDomainType accepted a system type")
	}
	if _, err := domain.Decode(domain.TypeHandoffRated, []byte(`{"score":"five"}`)); err == nil {
		t.Fatal("Decode accepted a malformed payload")
	}
}

func TestHandoffOf(t *testing.T) {
	for _, e := range sampleEvents() {
		id, ok := domain.HandoffOf(e)
		isHandoff := strings.HasPrefix(e.EventType(), "handoff.")
		if ok != isHandoff || isHandoff && id != "h-1" {
			t.Errorf("HandoffOf(%s) = %q, %v", e.EventType(), id, ok)
		}
	}
}
