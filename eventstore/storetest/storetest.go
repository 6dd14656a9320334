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
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	// Shared says that the stores New makes share their data while open
	// together, as replicas on one database do (a PostgreSQL schema, a
	// KurrentDB server); the suite then races appends through two of them
	// and follows both. False for a backend one process at a time holds.
	Shared bool
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
		{"IDInAnotherStream", testIDInAnotherStream},
		{"IDRace", testIDRace},
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
		{"Replicas", testReplicas},
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
		if err := s.Close(); !errors.Is(err, eventstore.ErrClosed) {
			assert.NoError(t, err, "Close")
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
	require.NoError(t, err, "Append(%q, %d, %d events)", stream, expected, len(evs))
	return res
}

func readStream(t testing.TB, s eventstore.Store, stream string, after uint64) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadStream(context.Background(), stream, after) {
		require.NoError(t, err, "ReadStream(%q, %d)", stream, after)
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
		require.NoError(t, err, "ReadAll(%d)", after)
		if streams[ev.StreamID] {
			out = append(out, ev)
		}
	}
	return out
}

func head(t testing.TB, s eventstore.Store) uint64 {
	t.Helper()
	h, err := s.Head(context.Background())
	require.NoError(t, err, "Head")
	return h
}

// oneErr fails unless errs is exactly one error wrapping want. what may be
// a format with args.
func oneErr(t testing.TB, errs []error, want error, what string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(what, args...)
	require.Len(t, errs, 1, "%s: errors yielded %v, want one", msg, errs)
	require.ErrorIs(t, errs[0], want, msg)
}

// wantErr fails unless err wraps want.
func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	require.ErrorIs(t, err, want, what)
}

// checkEvent fails unless got records want at the given stream and version.
func checkEvent(t testing.TB, got eventstore.RecordedEvent, want eventstore.EventData, stream string, version uint64) {
	t.Helper()
	require.NotZero(t, got.Position, "event %s/%d has position 0", stream, version)
	require.False(t, got.RecordedAt.IsZero(), "event %s/%d has no recording time", stream, version)
	require.Equal(t, "UTC", got.RecordedAt.Location().String(), "event %s/%d's recording time zone", stream, version)
	// The rest of the event is what was appended, where it was appended.
	// (Empty and nil data are the same.)
	stored := got
	stored.Position, stored.RecordedAt = 0, time.Time{}
	stored.Data, stored.Metadata = nilIfEmpty(stored.Data), nilIfEmpty(stored.Metadata)
	require.Equal(t, eventstore.RecordedEvent{ID: want.ID, Type: want.Type, StreamID: stream, Version: version,
		Data: nilIfEmpty(want.Data), Metadata: nilIfEmpty(want.Metadata)}, stored, "event %s/%d", stream, version)
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// checkStream fails unless stream holds exactly want, in order.
func checkStream(t testing.TB, s eventstore.Store, stream string, want []eventstore.EventData) []eventstore.RecordedEvent {
	t.Helper()
	got := readStream(t, s, stream, 0)
	require.Len(t, got, len(want), "events in stream %s", stream)
	for i := range got {
		checkEvent(t, got[i], want[i], stream, uint64(i+1))
		if i > 0 {
			require.Greater(t, got[i].Position, got[i-1].Position, "stream %s: positions increase", stream)
		}
	}
	return got
}
