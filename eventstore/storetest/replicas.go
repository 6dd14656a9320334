package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// testReplicas runs two stores on the same data at once, as two cadena
// replicas on one database do: appends racing on one stream's expected
// version through both have exactly one winner per version, one new event
// ID raced into two streams through both lands once, and a subscription
// on each store, following while both take appends, sees every event of
// both, the two in the same order at the same positions.
func testReplicas(t *testing.T, h Harness) {
	if !h.Shared {
		t.Skip("the harness's stores do not share their data")
	}
	stores := []eventstore.Store{newStore(t, h), newStore(t, h)}
	start := head(t, stores[0])
	mine := map[string]bool{}

	// Racing on one version, through both stores.
	const racers, rounds = 6, 8
	race := newStream("replicas-race")
	mine[race] = true
	var want []eventstore.EventData
	for round := range rounds {
		evs := newEvents(racers)
		errs := make([]error, racers)
		begin := make(chan struct{})
		var wg sync.WaitGroup
		for w := range racers {
			wg.Go(func() {
				<-begin
				_, errs[w] = stores[w%2].Append(context.Background(), race, eventstore.Exact(uint64(round)), evs[w])
			})
		}
		close(begin)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			if err == nil {
				require.Negative(t, winner, "round %d: writers %d and %d, on two stores, both appended at version %d", round, winner, w, round)
				winner = w
				continue
			}
			require.ErrorIs(t, err, eventstore.ErrWrongVersion, "round %d: writer %d", round, w)
		}
		require.GreaterOrEqual(t, winner, 0, "round %d: no writer appended at version %d", round, round)
		want = append(want, evs[winner])
	}
	for _, s := range stores {
		checkStream(t, s, race, want)
	}

	// One new event ID into two streams, one through each store.
	ev := newEvent(0)
	idStreams := []string{newStream("replicas-id"), newStream("replicas-id")}
	idErrs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range idStreams {
		mine[idStreams[i]] = true
		wg.Go(func() { _, idErrs[i] = stores[i].Append(context.Background(), idStreams[i], eventstore.NoStream, ev) })
	}
	wg.Wait()
	require.True(t, (idErrs[0] == nil) != (idErrs[1] == nil), "one event ID raced into two streams through two stores: errors %v", idErrs)
	for i, err := range idErrs {
		if err != nil {
			require.ErrorIs(t, err, eventstore.ErrDuplicateID)
			checkStream(t, stores[1-i], idStreams[i], nil)
		}
	}

	// A follower on each store while writers append through both.
	const writers, perWriter = 4, 25
	end := newStream("replicas-end")
	mine[end] = true
	writerStreams := make([]string, writers)
	for w := range writerStreams {
		writerStreams[w] = newStream("replicas-follow")
		mine[writerStreams[w]] = true
	}
	followed := make([][]eventstore.RecordedEvent, len(stores))
	ctx, cancel := context.WithCancel(t.Context())
	var followers sync.WaitGroup
	defer func() { // a failure below: the followers end before the test
		cancel()
		followers.Wait()
	}()
	for i, s := range stores {
		followers.Go(func() {
			for ev, err := range s.Subscribe(ctx, start) {
				if ctx.Err() != nil || !assert.NoError(t, err, "Subscribe on store %d", i) {
					return
				}
				if mine[ev.StreamID] {
					followed[i] = append(followed[i], ev)
				}
				if ev.StreamID == end {
					return
				}
			}
		})
	}
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				if _, err := stores[(w+i)%2].Append(context.Background(), writerStreams[w], eventstore.Exact(uint64(i)), newEvent(i)); !assert.NoError(t, err, "Append") {
					return
				}
			}
		})
	}
	wg.Wait()
	mustAppend(t, stores[1], end, eventstore.NoStream, newEvent(0))
	followers.Wait()
	if t.Failed() {
		return
	}

	log := readOwn(t, stores[0], start, mine)
	require.Len(t, log, rounds+1+writers*perWriter+1, "our events in the global log")
	for i, got := range followed {
		require.Len(t, got, len(log), "events the follower on store %d saw", i)
		versions := map[string]uint64{}
		for j, ev := range got {
			require.Equal(t, log[j].ID, ev.ID, "follower on store %d, event %d: not the log's order", i, j)
			require.Equal(t, log[j].Position, ev.Position, "follower on store %d, event %d's position", i, j)
			require.Equal(t, versions[ev.StreamID]+1, ev.Version, "follower on store %d: stream %s's next version", i, ev.StreamID)
			versions[ev.StreamID] = ev.Version
		}
	}
}
