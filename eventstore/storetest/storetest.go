// Package storetest is the conformance suite every eventstore.Store passes.
// A backend runs it from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New: func(t *testing.T) eventstore.Store { ... },
//		})
//	}
//
// The suite never assumes it has a store to itself: it writes only to
// streams with random IDs, and reads the global log from the Head it found
// before writing, looking only at its own streams. Nor does it assume
// positions are dense.
//
// A store that loses an event can make a subscription test wait for it
// for ever; the go test -timeout ends such a run.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

// Harness makes the stores the suite tests.
type Harness struct {
	// New returns a usable store. It may share data with other stores made
	// by the same harness (a KurrentDB server is shared), so the suite uses
	// unique random stream IDs per test and, for global-log checks, starts
	// from Head() and only looks at its own streams. The suite closes the
	// stores it gets; New may also close them in t.Cleanup, ignoring
	// ErrClosed.
	New func(t *testing.T) eventstore.Store
	// Reopen closes s and opens the same underlying data again (a bolt
	// file; a new client for a server). Nil when not supported.
	Reopen func(t *testing.T, s eventstore.Store) eventstore.Store
	// IDsPerStream is set for stores that detect a reused event ID only
	// within one stream (KurrentDB keeps no index of IDs across streams);
	// the suite then skips the cross-stream ErrDuplicateID check.
	IDsPerStream bool
}

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"ExpectedVersion", testExpectedVersion},
		{"ConcurrentSameVersion", testConcurrentSameVersion},
		{"AtomicAppend", testAtomicAppend},
		{"IdempotentRetry", testIdempotentRetry},
		{"Batch", testBatch},
		{"Validation", testValidation},
		{"ReadStream", testReadStream},
		{"GlobalOrder", testGlobalOrder},
		{"Head", testHead},
		{"Subscribe", testSubscribe},
		{"SubscribeCallsAppend", testSubscribeCallsAppend},
		{"SubscribeCancel", testSubscribeCancel},
		{"Reopen", testReopen},
		{"Closed", testClosed},
		{"CloseStopsSubscription", testCloseStopsSubscription},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h) })
	}
}

// newStore returns a store from h that is closed when the test ends.
func newStore(t *testing.T, h Harness) eventstore.Store {
	t.Helper()
	s := h.New(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// newStream returns a stream ID no other test uses.
func newStream(prefix string) string { return "storetest-" + prefix + "-" + eventstore.NewID() }

// newEvent returns an event with a fresh ID and a payload that names it.
func newEvent(n int) eventstore.EventData {
	id := eventstore.NewID()
	return eventstore.EventData{
		ID:       id,
		Type:     "storetest.happened.v1",
		Data:     fmt.Appendf(nil, `{"n":%d,"id":%q}`, n, id),
		Metadata: []byte(`{"by":"storetest"}`),
	}
}

func newEvents(n int) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = newEvent(i)
	}
	return evs
}

func mustAppend(t testing.TB, s eventstore.Store, stream string, expected eventstore.ExpectedVersion, evs ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, expected, evs...)
	if err != nil {
		t.Fatalf("Append(%q, %d, %d events): %v", stream, expected, len(evs), err)
	}
	return res
}

func readStream(t testing.TB, s eventstore.Store, stream string, after uint64) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadStream(context.Background(), stream, after) {
		if err != nil {
			t.Fatalf("ReadStream(%q, %d): %v", stream, after, err)
		}
		out = append(out, ev)
	}
	return out
}

// readOwn reads the global log after the given position, keeping the
// events of the given streams only.
func readOwn(t testing.TB, s eventstore.Store, after uint64, streams map[string]bool) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadAll(context.Background(), after) {
		if err != nil {
			t.Fatalf("ReadAll(%d): %v", after, err)
		}
		if streams[ev.StreamID] {
			out = append(out, ev)
		}
	}
	return out
}

func head(t testing.TB, s eventstore.Store) uint64 {
	t.Helper()
	h, err := s.Head(context.Background())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return h
}

// wantErr fails unless err wraps want.
func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// checkEvent fails unless got records want at the given stream and version.
func checkEvent(t testing.TB, got eventstore.RecordedEvent, want eventstore.EventData, stream string, version uint64) {
	t.Helper()
	if got.ID != want.ID || got.Type != want.Type || got.StreamID != stream || got.Version != version ||
		!bytes.Equal(got.Data, want.Data) || !bytes.Equal(got.Metadata, want.Metadata) {
		t.Fatalf("event %s/%d = {ID:%s Type:%s Stream:%s Version:%d Data:%s Metadata:%s}, want {ID:%s Type:%s Data:%s Metadata:%s}",
			stream, version, got.ID, got.Type, got.StreamID, got.Version, got.Data, got.Metadata,
			want.ID, want.Type, want.Data, want.Metadata)
	}
	if got.Position == 0 {
		t.Fatalf("event %s/%d has position 0", stream, version)
	}
	if got.RecordedAt.IsZero() || got.RecordedAt.Location().String() != "UTC" {
		t.Fatalf("event %s/%d recorded at %v, want a UTC time", stream, version, got.RecordedAt)
	}
}

// checkStream fails unless stream holds exactly want, in order.
func checkStream(t testing.TB, s eventstore.Store, stream string, want []eventstore.EventData) []eventstore.RecordedEvent {
	t.Helper()
	got := readStream(t, s, stream, 0)
	if len(got) != len(want) {
		t.Fatalf("stream %s holds %d events, want %d", stream, len(got), len(want))
	}
	for i := range got {
		checkEvent(t, got[i], want[i], stream, uint64(i+1))
		if i > 0 && got[i].Position <= got[i-1].Position {
			t.Fatalf("stream %s: position %d after %d", stream, got[i].Position, got[i-1].Position)
		}
	}
	return got
}
