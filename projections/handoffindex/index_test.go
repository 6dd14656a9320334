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
	assert.Equal(t, domain.StateDelivered, h3.State)
	assert.Equal(t, 2, h3.Deliveries)
	assert.Equal(t, 1, h3.Returns)
	// The rating at 4h does not move it: the supplier reads the list too.
	assert.Equal(t, at.Add(3*time.Hour), h3.UpdatedAt)
	h6, ok := f.x.Get("h6")
	require.True(t, ok)
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
		assert.Empty(t, next, "List(%+v)", tt.f)
	}

	// Page through everything, four at a time.
	var all []string
	cursor := ""
	for page := 0; ; page++ {
		got, next, err := f.x.List(handoffindex.Filter{Limit: 4, Cursor: cursor})
		require.NoError(t, err, "page %d", page)
		require.LessOrEqual(t, page, 3, "more pages than there are hand-offs")
		all = append(all, ids(got)...)
		if next == "" {
			break
		}
		cursor = next
	}
	assert.Equal(t, "[h8 h7 h6 h5 h4 h3 h2 h1 h0]", fmt.Sprint(all))
	_, _, err := f.x.List(handoffindex.Filter{Cursor: "!!"})
	assert.ErrorIs(t, err, handoffindex.ErrBadCursor)
}
