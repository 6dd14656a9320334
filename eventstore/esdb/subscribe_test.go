package esdb

import (
	"errors"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"
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
	if err != nil || ev.Type != "handoff.requested.v1" || ev.Position != 30 {
		t.Fatalf("Recv = %+v, %v; want the contract event at 30", ev, err)
	}
	if _, err := a.Recv(); !errors.Is(err, errDropped) {
		t.Fatalf("Recv after the script = %v, want the drop", err)
	}
	a.Close()
	if len(released) != 1 || !errors.Is(released[0], errDropped) {
		t.Errorf("released with %v, want the drop once", released)
	}
}
