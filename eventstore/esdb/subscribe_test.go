package esdb

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptedSub returns its events in turn, then drops.
type scriptedSub struct{ evs []*esdb.SubscriptionEvent }

func (s *scriptedSub) Recv() *esdb.SubscriptionEvent {
	if len(s.evs) == 0 {
		return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: errDropped}}
	}
	ev := s.evs[0]
	s.evs = s.evs[1:]
	return ev
}

func (s *scriptedSub) Close() error { return nil }

func appeared(typ string, pos uint64) *esdb.SubscriptionEvent {
	return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: &esdb.RecordedEvent{
		EventID: uuid.New(), EventType: typ, StreamID: "s", Position: esdb.Position{Commit: pos, Prepare: pos}, Data: []byte(`{}`),
	}}}
}

func TestAllStreamDeliversOnlyContractEvents(t *testing.T) {
	sub := &scriptedSub{evs: []*esdb.SubscriptionEvent{
		{CheckPointReached: &esdb.Position{Commit: 10, Prepare: 10}},
		appeared("$statsCollected", 20), // the server filters these; a safety net drops them too
		{CaughtUp: &esdb.Subscription{}},
		appeared("handoff.requested.v1", 30),
		{FellBehind: &esdb.Subscription{}},
	}}
	var released []error
	a := &allStream{sub: sub, release: func(err error) { released = append(released, err) }}
	ev, err := a.Recv()
	require.NoError(t, err)
	assert.Equal(t, "handoff.requested.v1", ev.Type, "want the contract event")
	assert.Equal(t, uint64(30), ev.Position, "want the contract event")
	_, err = a.Recv()
	require.ErrorIs(t, err, errDropped, "Recv after the script")
	a.Close()
	assert.Equal(t, []error{errDropped}, released, "released with the drop once")
}
