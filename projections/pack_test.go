package projections

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func closedStates() []domain.Handoff {
	at := time.Date(2025, 3, 30, 1, 59, 59, 999_999_999, time.UTC)
	cest := at.In(time.FixedZone("CEST", 2*3600))
	terms := &domain.AgreementTerms{Version: 2, Kind: "access", ResolveWithinS: 3600, RespondWithinS: 60, Calendar: "office"}
	return []domain.Handoff{
		{ID: "h-1", Supplier: "it", Customer: "hr", Kind: "access", Title: "café ✓", Details: "two\nlines",
			State: domain.StateDelivered, Agreement: terms,
			RequestedAt: at, FirstResponseAt: at.Add(time.Minute), LatestDeliveryAt: at.Add(time.Hour),
			Deliveries: 2, Returns: 1, Escalations: 3, Rating: &domain.Rating{Delivery: 2, Score: 4, Comment: "ok", At: cest.Add(2 * time.Hour)},
			Owned:   []domain.Interval{{From: at, To: at.Add(time.Hour)}, {From: cest.Add(2 * time.Hour), To: cest.Add(3 * time.Hour)}},
			Version: 7, LastAt: cest.Add(3 * time.Hour)},
		{ID: "h-2", Supplier: "hr", Customer: "it", State: domain.StateCancelled, RequestedAt: at.In(time.Local),
			Owned: []domain.Interval{}, Version: 2, LastAt: time.Unix(-1, 5).UTC()},
		{ID: "h-3", State: domain.StateCancelled, RequestedAt: time.Unix(-62135596800, 0).UTC(), Version: 1,
			LastAt: time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("", -12*3600))},
	}
}

// TestPackRoundTrip checks that a closed hand-off's packed state unpacks
// to the state packed, zones and optional parts included, and that what
// pack did not write does not unpack.
func TestPackRoundTrip(t *testing.T) {
	tab := newPackTable()
	for _, want := range closedStates() {
		p := tab.pack(&want)
		got, ok := tab.unpack(want.ID, p)
		require.True(t, ok, want.ID)
		assert.Equal(t, want, *got)
		for i := range len(p) {
			if _, ok := tab.unpack(want.ID, p[:i]); ok {
				assert.Fail(t, "a truncated state unpacked", "%s, %d of %d bytes", want.ID, i, len(p))
			}
		}
		_, ok = tab.unpack(want.ID, p+"x")
		assert.False(t, ok, "%s with a byte more", want.ID)
	}
}

// TestHandoffStatesKeepOnlyOpen folds hand-offs through their lifecycle:
// the open ones are kept as states, the closed ones packed, and an event
// of a closed one (a rating, a return) gives the state a fold of all its
// events gives; a snapshot of them loads back the same.
func TestHandoffStatesKeepOnlyOpen(t *testing.T) {
	s := newHandoffStates()
	at := time.Date(2025, 5, 5, 9, 0, 0, 0, time.FixedZone("", 3600))
	var events []domain.Event
	for i := range 300 {
		id := fmt.Sprintf("h%03d", i)
		at := at.Add(time.Duration(i) * time.Minute)
		events = append(events, domain.HandoffRequested{HandoffID: id, Supplier: "it", Customer: "hr", Kind: "k", Title: "t " + id, At: at},
			domain.HandoffAccepted{HandoffID: id, At: at.Add(time.Minute)})
		switch i % 4 {
		case 0:
			events = append(events, domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(time.Hour)},
				domain.HandoffRated{HandoffID: id, Delivery: 1, Score: 3, Comment: "fine", At: at.Add(2 * time.Hour)})
		case 1:
			events = append(events, domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(time.Hour)},
				domain.HandoffReturned{HandoffID: id, At: at.Add(2 * time.Hour)})
		case 2:
			events = append(events, domain.HandoffCancelled{HandoffID: id, At: at.Add(time.Hour)},
				domain.HandoffEscalated{HandoffID: id, At: at.Add(2 * time.Hour)})
		}
	}
	want := map[string]domain.Handoff{}
	for _, e := range events {
		id, _ := domain.HandoffOf(e)
		got, num, _ := s.next(e)
		require.NotNil(t, got)
		require.Equal(t, s.ids[id], num, id)
		w := domain.EvolveHandoff(want[id], e)
		want[id] = w
		assert.Equal(t, w, *got, "%s after %T", id, e)
	}
	assert.Equal(t, 150, len(s.open), "open: returned and accepted")
	closed := 0
	for _, p := range s.packed {
		if p != "" {
			closed++
		}
	}
	assert.Equal(t, 150, closed, "closed: delivered and cancelled")

	var buf bytes.Buffer
	e := newEncoder(&buf)
	s.save(e)
	require.NoError(t, e.flush())
	d := newDecoder(bytes.NewReader(buf.Bytes()))
	loaded := loadHandoffStates(d)
	require.NoError(t, d.Err())
	require.Equal(t, s.Len(), loaded.Len())
	for id, w := range want {
		num := loaded.ids[id]
		require.Equal(t, s.ids[id], num, id)
		h, ok := loaded.open[num]
		if !ok {
			h, ok = loaded.tab.unpack(id, loaded.packed[num-1])
			require.True(t, ok, id)
		}
		assert.True(t, w.RequestedAt.Equal(h.RequestedAt), id)
		_, wo := w.LastAt.Zone()
		_, ho := h.LastAt.Zone()
		assert.Equal(t, wo, ho, id)
		assert.Equal(t, w.Owned, h.Owned, id)
		assert.Equal(t, w.Rating, h.Rating, id)
		assert.Equal(t, w.Title, h.Title, id)
	}
}

// BenchmarkPackUnpack packs closed states into one table and unpacks them.
func BenchmarkPackUnpack(b *testing.B) {
	states := closedStates()
	tab := newPackTable()
	b.ReportAllocs()
	for b.Loop() {
		for i := range states {
			p := tab.pack(&states[i])
			if _, ok := tab.unpack(states[i].ID, p); !ok {
				b.Fatal("a packed state did not unpack")
			}
		}
	}
}
