package handoffindex_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/handoffindex"
)

type feeder struct {
	x   *handoffindex.Index
	pos uint64
}

func (f *feeder) apply(e domain.Event) {
	f.pos++
	f.x.Apply(projections.Envelope{Position: f.pos, Event: e})
}

func TestIndexStatesFiltersAndPages(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	f := &feeder{x: handoffindex.New()}
	pairs := [][2]string{{"it", "finance"}, {"legal", "sales"}, {"it", "sales"}}
	for i := 0; i < 9; i++ {
		p := pairs[i%3]
		f.apply(domain.HandoffRequested{HandoffID: fmt.Sprintf("h%d", i), Supplier: p[0], Customer: p[1], Kind: "k", Title: "t", At: at})
	}
	f.apply(domain.HandoffAccepted{HandoffID: "h0", At: at.Add(time.Hour)})
	f.apply(domain.HandoffDelivered{HandoffID: "h3", Delivery: 1, At: at.Add(time.Hour)})
	f.apply(domain.HandoffReturned{HandoffID: "h3", Reason: "x", At: at.Add(2 * time.Hour)})
	f.apply(domain.HandoffDelivered{HandoffID: "h3", Delivery: 2, At: at.Add(3 * time.Hour)})
	f.apply(domain.HandoffRated{HandoffID: "h3", Delivery: 2, Score: 1, Comment: "secret", At: at.Add(4 * time.Hour)})
	f.apply(domain.HandoffEscalated{HandoffID: "h6", At: at.Add(time.Hour)})
	f.apply(domain.HandoffCancelled{HandoffID: "h6", At: at.Add(2 * time.Hour)})
	f.apply(domain.HandoffPaused{HandoffID: "h1", At: at.Add(time.Hour)})

	h3, ok := f.x.Get("h3")
	require.True(t, ok)
	assert.Equal(t, handoffindex.Summary{ID: "h3", Supplier: "it", Customer: "finance", Kind: "k", Title: "t",
		State: domain.StateDelivered, Deliveries: 2, Returns: 1, RequestedAt: at, UpdatedAt: at.Add(3 * time.Hour), Position: 4}, h3,
		"the rating at 4h does not move updated_at: the supplier reads the list too")
	h6, _ := f.x.Get("h6")
	assert.Equal(t, domain.StateCancelled, h6.State)
	assert.Equal(t, 1, h6.Escalations)

	ids := func(ss []handoffindex.Summary) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	tests := []struct {
		f    handoffindex.Filter
		want string
	}{
		{handoffindex.Filter{Supplier: "it"}, "[h8 h6 h5 h3 h2 h0]"},
		{handoffindex.Filter{Supplier: "it", Customer: "finance"}, "[h6 h3 h0]"},
		{handoffindex.Filter{Involving: "sales"}, "[h8 h7 h5 h4 h2 h1]"},
		{handoffindex.Filter{State: domain.StatePaused}, "[h1]"},
		{handoffindex.Filter{State: domain.StateAccepted, Involving: "finance"}, "[h0]"},
	}
	for _, tt := range tests {
		got, next, err := f.x.List(tt.f)
		require.NoError(t, err, "List(%+v)", tt.f)
		assert.Equal(t, tt.want, fmt.Sprint(ids(got)), "List(%+v)", tt.f)
		assert.Empty(t, next, "List(%+v) has one page", tt.f)
	}

	// Page through everything, four at a time.
	var all []string
	cursor := ""
	for page := 0; ; page++ {
		require.Less(t, page, 4, "pages")
		got, next, err := f.x.List(handoffindex.Filter{Limit: 4, Cursor: cursor})
		require.NoError(t, err, "page %d", page)
		all = append(all, ids(got)...)
		if next == "" {
			break
		}
		cursor = next
	}
	assert.Equal(t, "[h8 h7 h6 h5 h4 h3 h2 h1 h0]", fmt.Sprint(all), "paged")
	_, _, err := f.x.List(handoffindex.Filter{Cursor: "!!"})
	assert.ErrorIs(t, err, handoffindex.ErrBadCursor)
}

// TestIndexFoldsTheDomain checks each summary against the state
// domain.EvolveHandoff folds from the same events, through every command of
// the lifecycle table, and that events of other aggregates, of hand-offs
// never requested and at old positions change nothing.
func TestIndexFoldsTheDomain(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	events := []domain.Event{
		domain.DepartmentRegistered{DepartmentID: "it", Name: "IT", At: at},
		domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "sales", Kind: "k", Title: "Laptop", At: at},
		domain.HandoffAccepted{HandoffID: "h1", At: at.Add(1 * time.Hour)},
		domain.HandoffPaused{HandoffID: "h1", Reason: "r", At: at.Add(2 * time.Hour)},
		domain.HandoffAccepted{HandoffID: "ghost", At: at.Add(2 * time.Hour)},
		domain.HandoffResumed{HandoffID: "h1", At: at.Add(3 * time.Hour)},
		domain.HandoffEscalated{HandoffID: "h1", At: at.Add(4 * time.Hour)},
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: at.Add(5 * time.Hour)},
		domain.HandoffReturned{HandoffID: "h1", Reason: "r", At: at.Add(6 * time.Hour)},
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 2, At: at.Add(7 * time.Hour)},
		domain.HandoffRated{HandoffID: "h1", Delivery: 2, Score: 2, Comment: "secret", At: at.Add(8 * time.Hour)},
		domain.HandoffRequested{HandoffID: "h2", Supplier: "it", Customer: "hr", Kind: "k", Title: "Badge", At: at.Add(9 * time.Hour)},
		domain.HandoffCancelled{HandoffID: "h2", At: at.Add(10 * time.Hour)},
	}
	x := handoffindex.New()
	states := map[string]domain.Handoff{}
	requestedAt := map[string]uint64{}
	updatedAt := map[string]time.Time{} // a rating does not move it
	for i, e := range events {
		pos := uint64(i + 1)
		x.Apply(projections.Envelope{Position: pos, Event: e})
		x.Apply(projections.Envelope{Position: pos, Event: domain.HandoffCancelled{HandoffID: "h1", At: at}}) // at the applied position: skipped
		id, ok := domain.HandoffOf(e)
		if !ok {
			continue
		}
		if _, opens := e.(domain.HandoffRequested); opens {
			requestedAt[id] = pos
		}
		if _, seen := requestedAt[id]; !seen {
			continue
		}
		states[id] = domain.EvolveHandoff(states[id], e)
		if _, rated := e.(domain.HandoffRated); !rated {
			updatedAt[id] = domain.OccurredAt(e)
		}
		h := states[id]
		got, ok := x.Get(id)
		require.True(t, ok, "after %s", domain.EventType(e))
		assert.Equal(t, handoffindex.Summary{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer, Kind: h.Kind, Title: h.Title,
			State: h.State, Escalations: h.Escalations, Deliveries: h.Deliveries, Returns: h.Returns,
			RequestedAt: h.RequestedAt, UpdatedAt: updatedAt[id], Position: requestedAt[id]}, got, "after %s", domain.EventType(e))
	}
	_, ok := x.Get("ghost")
	assert.False(t, ok, "a hand-off whose request was never seen is not listed")
	page, _, err := x.List(handoffindex.Filter{})
	require.NoError(t, err)
	assert.Len(t, page, 2)
}
