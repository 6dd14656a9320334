package pairstats_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// TestAggregatesNeverUncoverAHiddenPair: it supplies sales (three ratings,
// the anonymity minimum) and legal (one rating, hidden). A scorecard or
// department series that showed the four ratings together would give
// legal's one score away (the aggregate less the sales pair shown), so an
// aggregate shows satisfaction only while every pair in it with a rating
// in the window shows its own; once legal has three ratings too, it does.
func TestAggregatesNeverUncoverAHiddenPair(t *testing.T) {
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{AnonymityMin: 3}})
	at := func(day int) time.Time { return time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC) }
	pos := uint64(0)
	apply := func(e domain.Event) {
		pos++
		m.Apply(projections.Envelope{Position: pos, Event: e})
	}
	rated := func(customer string, n, score int) {
		for i := range n {
			id := fmt.Sprintf("%s-%d-%d", customer, pos, i)
			apply(domain.HandoffRequested{HandoffID: id, Supplier: "it", Customer: customer, Kind: "laptop", At: at(2)})
			apply(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at(3)})
			apply(domain.HandoffRated{HandoffID: id, Delivery: 1, Score: score, At: at(4)})
		}
	}
	rated("sales", 3, 5)
	rated("legal", 1, 1)
	w, err := m.ParseWindow("2026-03-01", "2026-03-10", at(9))
	require.NoError(t, err)

	require.NotNil(t, m.Pair("it", "sales", w).Satisfaction.Distribution, "it -> sales holds the minimum")
	require.Nil(t, m.Pair("it", "legal", w).Satisfaction.Distribution, "it -> legal is under it")
	hidden := func(what string, f pairstats.Figures) {
		t.Helper()
		s := f.Satisfaction
		assert.Equal(t, 4, s.Ratings, "%s: the count is shown", what)
		assert.True(t, s.Mean == nil && s.CSAT == nil && s.Dissatisfied == nil && s.Distribution == nil,
			"%s shows the ratings of a pair under the anonymity minimum: %+v", what, s)
		assert.Zero(t, f.Friction.Drivers.Dissatisfaction, "%s: dissatisfaction hidden counts 0", what)
	}
	hidden("it's scorecard as supplier", m.Scorecard("it", w).AsSupplier)
	series, err := m.DepartmentSeries("it", pairstats.SideSupplier, w, pairstats.StepMonth)
	require.NoError(t, err)
	require.Len(t, series, 1)
	hidden("it's supplier series", series[0].Figures)

	rated("legal", 2, 2)
	sc := m.Scorecard("it", w).AsSupplier
	require.NotNil(t, sc.Satisfaction.Distribution, "every pair holds the minimum: %+v", sc.Satisfaction)
	assert.Equal(t, pairstats.Distribution{One: 1, Two: 2, Five: 3}, *sc.Satisfaction.Distribution)
}
