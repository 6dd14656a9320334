package pairstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestSpanCoversTheHandoffHistory(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Skip("no tz database")
	}
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: madrid}})
	assert.Equal(t, pairstats.Span{Empty: true}, m.Span(), "no history yet")

	at := func(day, hour int) time.Time { return time.Date(2011, 3, day, hour, 0, 0, 0, time.UTC) }
	events := []domain.Event{
		domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "sales", Kind: "laptop", At: at(5, 23)},
		domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: at(9, 10)},
		domain.HandoffRequested{HandoffID: "h2", Supplier: "it", Customer: "sales", Kind: "laptop", At: at(2, 9)},
		domain.HandoffAccepted{HandoffID: "unknown", At: at(1, 9)}, // its request was never seen: not counted
	}
	for i, e := range events {
		m.Apply(projections.Envelope{Position: uint64(i + 1), Event: e})
	}
	sp := m.Span()
	assert.False(t, sp.Empty)
	assert.Equal(t, at(2, 9), sp.First.UTC(), "first")
	assert.Equal(t, at(9, 10), sp.Last.UTC(), "last")
	assert.Equal(t, time.Date(2011, 3, 2, 0, 0, 0, 0, madrid), sp.Window.From, "from: the first day in Madrid")
	assert.Equal(t, time.Date(2011, 3, 10, 0, 0, 0, 0, madrid), sp.Window.To, "to: the day after the last, exclusive")
}
