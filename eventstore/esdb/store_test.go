package esdb

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

func newMemStore(t *testing.T) (*Store, *memDB, *memFactory) {
	t.Helper()
	db := newMemDB(t)
	f := &memFactory{db: db}
	s := newStore(f.newClient, Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}, discard)
	t.Cleanup(func() { s.Close() })
	return s, db, f
}

func event(data string) eventstore.EventData {
	return eventstore.EventData{ID: eventstore.NewID(), Type: "handoff.requested.v1", Data: []byte(data)}
}

func readStream(t *testing.T, s *Store, stream string, after uint64) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadStream(t.Context(), stream, after) {
		require.NoError(t, err, "ReadStream")
		out = append(out, ev)
	}
	return out
}

func readAll(t *testing.T, s *Store, after uint64) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadAll(t.Context(), after) {
		require.NoError(t, err, "ReadAll")
		out = append(out, ev)
	}
	return out
}

// ids returns the IDs of events, in order.
func ids(evs []eventstore.RecordedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestAppendAndRead(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	a, b, c := event(`{"n":1}`), event(`{"n":2}`), event(`{"n":3}`)
	r1, err := s.Append(ctx, "s-1", eventstore.NoStream, a, b)
	require.NoError(t, err)
	db.system("$statsCollected")
	r2, err := s.Append(ctx, "s-1", eventstore.Exact(2), c)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), r1.Version, "first append's version")
	assert.Equal(t, uint64(3), r2.Version, "second append's version")
	assert.Greater(t, r2.Position, r1.Position, "positions increase")
	got := readStream(t, s, "s-1", 0)
	require.Len(t, got, 3)
	assert.Equal(t, []string{a.ID, b.ID, c.ID}, ids(got))
	assert.Equal(t, []uint64{1, 2, 3}, []uint64{got[0].Version, got[1].Version, got[2].Version}, "versions")
	assert.Equal(t, []uint64{r1.Position, r2.Position}, []uint64{got[1].Position, got[2].Position}, "AppendResult positions against the stored ones")
	assert.Equal(t, []string{c.ID}, ids(readStream(t, s, "s-1", 2)), "ReadStream(after 2)")
	assert.Empty(t, readStream(t, s, "nope", 0), "a missing stream")
	// ReadAll skips the system event and starts after its argument.
	assert.Equal(t, got, readAll(t, s, 0), "ReadAll")
	assert.Equal(t, got[1:], readAll(t, s, got[0].Position), "ReadAll(after first)")
	_, err = s.Append(ctx, "s-1", eventstore.Exact(2), event(`{}`))
	assert.ErrorIs(t, err, eventstore.ErrWrongVersion, "stale Exact")
	_, err = s.Append(ctx, "s-2", eventstore.Exact(1), event(`{}`))
	assert.ErrorIs(t, err, eventstore.ErrWrongVersion, "Exact on a missing stream")
}

func TestAppendRetries(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	a, b := event(`{"n":1}`), event(`{"n":2}`)
	orig, err := s.Append(ctx, "s-1", eventstore.NoStream, a, b)
	require.NoError(t, err)
	changed := a
	changed.Data = []byte(`{"n":"changed"}`)
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(2), eventstore.Exact(7)} {
		res, err := s.Append(ctx, "s-1", exp, a, b)
		if assert.NoError(t, err, "retry with expected %d", exp) {
			assert.Equal(t, orig, res, "retry with expected %d", exp)
		}
		_, err = s.Append(ctx, "s-1", exp, changed, b)
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "changed payload with expected %d", exp)
	}
	// The retry of an append that is no longer the latest, with an
	// expected version the server recognises or that conflicts.
	c := event(`{"n":3}`)
	_, err = s.Append(ctx, "s-1", eventstore.Exact(2), c)
	require.NoError(t, err)
	// Exact(3), the current version, is the case the server would write
	// again.
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(2), eventstore.Exact(3), eventstore.Exact(9)} {
		res, err := s.Append(ctx, "s-1", exp, a, b)
		if assert.NoError(t, err, "late retry with expected %d", exp) {
			assert.Equal(t, orig, res, "late retry with expected %d", exp)
		}
	}
	assert.Len(t, readStream(t, s, "s-1", 0), 3, "events in the stream")

	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(3), eventstore.Exact(9)} {
		_, err := s.Append(ctx, "s-1", exp, changed, b)
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "changed payload with expected %d", exp)
	}
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(3)} {
		_, err := s.Append(ctx, "s-1", exp, b, a)
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "reordered retry with expected %d", exp)
	}
	_, err = s.Append(ctx, "s-1", eventstore.Exact(9), b, a)
	assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "reordered retry")
	_, err = s.Append(ctx, "s-1", eventstore.Exact(9), event(`{}`), b)
	assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "partly stored IDs")
}

func TestAppendRefusesWhatKurrentDBReserves(t *testing.T) {
	s, _, _ := newMemStore(t)
	_, err := s.Append(t.Context(), "$all", eventstore.Any, event(`{}`))
	assert.ErrorIs(t, err, eventstore.ErrInvalidStream, "stream $all")
	_, err = s.Append(t.Context(), reservationPrefix+eventstore.NewID(), eventstore.Any, event(`{}`))
	assert.ErrorIs(t, err, eventstore.ErrInvalidStream, "a reservation stream")
	e := event(`{}`)
	e.Type = "$metadata"
	_, err = s.Append(t.Context(), "s", eventstore.Any, e)
	assert.ErrorIs(t, err, eventstore.ErrInvalidEvent, "type $metadata")
	_, err = s.Append(t.Context(), "s", eventstore.Any)
	assert.ErrorIs(t, err, eventstore.ErrEmptyAppend, "no events")
	for _, err := range s.ReadStream(t.Context(), "$stats-x", 0) {
		assert.ErrorIs(t, err, eventstore.ErrInvalidStream, "ReadStream($stats-x)")
	}
}

func TestHeadSkipsSystemEvents(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	h, err := s.Head(ctx)
	require.NoError(t, err)
	require.Zero(t, h, "Head of an empty log")
	db.system("$epoch-information")
	h, err = s.Head(ctx)
	require.NoError(t, err)
	require.Zero(t, h, "Head with only system events")
	r, err := s.Append(ctx, "s", eventstore.Any, event(`{}`)) // reservations are system events too
	require.NoError(t, err)
	db.system("$statsCollected")
	db.system("$statsCollected")
	h, err = s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, r.Position, h, "Head")
}

func TestReadAllStopsAtTheEndWhenItStarted(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	for range 3 {
		_, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
		require.NoError(t, err)
	}
	n := 0
	for _, err := range s.ReadAll(ctx, 0) {
		require.NoError(t, err)
		n++
		_, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
		require.NoError(t, err)
	}
	assert.Equal(t, 3, n, "ReadAll yields the events present when it started")
}

func TestSubscribeFollowsAcrossDrops(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var want []string
	add := func() {
		t.Helper()
		e := event(`{}`)
		_, err := s.Append(t.Context(), "s", eventstore.Any, e)
		require.NoError(t, err)
		want = append(want, e.ID)
	}
	add()
	db.system("$statsCollected")
	add()

	var got []string
	var last uint64
	for ev, err := range s.Subscribe(ctx, 0) {
		if err != nil {
			require.ErrorIs(t, err, context.Canceled, "Subscribe")
			break
		}
		require.Greater(t, ev.Position, last, "positions increase")
		last = ev.Position
		got = append(got, ev.ID)
		switch len(got) {
		case 2: // caught up: go live, then lose the subscription
			add()
			db.dropSubscriptions()
			db.system("$statsCollected")
			add()
		case 3:
			db.dropSubscriptions()
		case 4:
			cancel()
		}
	}
	assert.Equal(t, want, got, "Subscribe delivered")
	assert.GreaterOrEqual(t, db.opens, 2, "subscriptions opened: want a resubscription")
}

// TestSubscribeEndsWithErrClosed closes the store while a subscription is
// live: it has caught up with the log and waits for the next event.
func TestSubscribeEndsWithErrClosed(t *testing.T) {
	s, _, _ := newMemStore(t)
	e := event(`{}`)
	_, err := s.Append(t.Context(), "s", eventstore.NoStream, e)
	require.NoError(t, err)
	var got []string
	var errs []error
	for ev, err := range s.Subscribe(context.Background(), 0) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, ev.ID)
		require.NoError(t, s.Close()) // the log holds nothing more: the subscription is live
	}
	assert.Equal(t, []string{e.ID}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], eventstore.ErrClosed)
}

func TestClosedStore(t *testing.T) {
	s, _, f := newMemStore(t)
	ctx := t.Context()
	require.NoError(t, errOf(s.Append(ctx, "s", eventstore.Any, event(`{}`))))
	require.NoError(t, s.Close())
	assert.ErrorIs(t, errOf(s.Append(ctx, "s", eventstore.Any, event(`{}`))), eventstore.ErrClosed, "Append")
	for _, err := range s.ReadStream(ctx, "s", 0) {
		assert.ErrorIs(t, err, eventstore.ErrClosed, "ReadStream")
	}
	for _, err := range s.ReadAll(ctx, 0) {
		assert.ErrorIs(t, err, eventstore.ErrClosed, "ReadAll")
	}
	for _, err := range s.Subscribe(ctx, 0) {
		assert.ErrorIs(t, err, eventstore.ErrClosed, "Subscribe")
	}
	assert.ErrorIs(t, errOf(s.Head(ctx)), eventstore.ErrClosed, "Head")
	assert.ErrorIs(t, s.Ready(ctx), eventstore.ErrClosed, "Ready")
	assert.ErrorIs(t, s.Close(), eventstore.ErrClosed, "second Close")
	assert.Equal(t, 1, f.created[0].closeCount(), "client closes")
}

func TestStoreReplacesClosedClient(t *testing.T) {
	s, db, f := newMemStore(t)
	dead := &memClient{db: db, dead: true}
	f.queue = []*memClient{dead}
	require.NoError(t, errOf(s.Append(t.Context(), "s", eventstore.NoStream, event(`{}`))), "Append through a dead client")
	assert.Len(t, f.created, 2, "clients created")
	assert.Equal(t, 1, dead.closeCount(), "dead client closes")
	assert.NoError(t, s.Ready(t.Context()), "Ready")
}

func TestConfirmSeesAnotherArrangement(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	a, b := event(`{"n":1}`), event(`{"n":2}`)
	res, err := s.Append(ctx, "s", eventstore.NoStream, a, b)
	require.NoError(t, err)
	got, err := s.confirm(ctx, "s", 1, []eventstore.EventData{a, b})
	require.NoError(t, err, "confirm of the stored order")
	assert.Equal(t, res, got, "confirm of the stored order")
	// A server that reports success for IDs it holds in another order.
	assert.ErrorIs(t, errOf(s.confirm(ctx, "s", 1, []eventstore.EventData{b, a})), eventstore.ErrDuplicateID, "confirm of another order")
}

func TestPositionsWhereNoRecordStarts(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	first, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	require.NoError(t, err)
	db.system("$statsCollected")
	second, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	require.NoError(t, err)
	for _, after := range []uint64{first.Position - 1, first.Position + 1, second.Position - 1} {
		want := second.Position
		if after < first.Position {
			want = first.Position
		}
		all := readAll(t, s, after)
		if assert.NotEmpty(t, all, "ReadAll(%d)", after) {
			assert.Equal(t, want, all[0].Position, "ReadAll(%d) starts at", after)
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		for ev, err := range s.Subscribe(ctx, after) {
			if assert.NoError(t, err, "Subscribe(%d)", after) {
				assert.Equal(t, want, ev.Position, "Subscribe(%d) starts at", after)
			}
			break
		}
		cancel()
	}
}

// slowClient holds each append until released; entered is closed when the
// first one arrives.
type slowClient struct {
	*memClient
	once             *sync.Once
	entered, release chan struct{}
}

func (c slowClient) AppendToStream(ctx context.Context, stream string, opts esdb.AppendToStreamOptions, events ...esdb.EventData) (*esdb.WriteResult, error) {
	c.once.Do(func() { close(c.entered) })
	<-c.release
	return c.memClient.AppendToStream(ctx, stream, opts, events...)
}

func TestCloseLetsAppendsFinish(t *testing.T) {
	db := newMemDB(t)
	sc := slowClient{memClient: &memClient{db: db}, once: new(sync.Once), entered: make(chan struct{}), release: make(chan struct{})}
	s := newStore(func() (client, error) { return sc, nil }, Options{}, discard)
	result := make(chan error)
	go func() {
		_, err := s.Append(context.Background(), "s", eventstore.NoStream, event(`{}`))
		result <- err
	}()
	<-sc.entered
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	<-s.done.Done() // Close has begun: it refuses new calls from here on
	assert.ErrorIs(t, errOf(s.Append(t.Context(), "s", eventstore.Any, event(`{}`))), eventstore.ErrClosed, "Append while closing")
	for _, err := range s.ReadStream(t.Context(), "s", 0) {
		assert.ErrorIs(t, err, eventstore.ErrClosed, "ReadStream while closing")
	}
	close(sc.release)
	assert.NoError(t, <-result, "Append in progress at Close")
	assert.NoError(t, <-closed, "Close")
	assert.Equal(t, 1, sc.closeCount(), "client closes")
}

func TestSubscribeRetriesWhileTheServerIsAway(t *testing.T) {
	s, db, f := newMemStore(t)
	ctx := t.Context()
	first, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	require.NoError(t, err)
	second := event(`{}`)
	require.NoError(t, errOf(s.Append(ctx, "s", eventstore.Any, second)))
	// The current client dies, and so do the next four: the first
	// attempts to subscribe fail, then one succeeds.
	f.mu.Lock()
	for range 4 {
		f.queue = append(f.queue, &memClient{db: db, dead: true})
	}
	f.mu.Unlock()
	f.created[0].dead = true

	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for ev, err := range s.Subscribe(ctx, first.Position-1) {
		require.NoError(t, err, "Subscribe")
		if ev.ID == second.ID {
			break
		}
	}
	assert.GreaterOrEqual(t, len(f.created), 6, "clients created")
}

// errOf returns the error of a call that also returns a result.
func errOf[T any](_ T, err error) error { return err }

// TestOpenHidesThePassword: a connection string Open refuses is never
// quoted with its password.
func TestOpenHidesThePassword(t *testing.T) {
	for _, conn := range []string{
		"esdb://admin:topsecret@[::1?tls=false",
		"esdb://admin:topsecret@127.0.0.1:2113?tls=maybe",
	} {
		_, err := Open(t.Context(), conn, Options{})
		require.Error(t, err, conn)
		assert.NotContains(t, err.Error(), "topsecret", conn)
		assert.Contains(t, err.Error(), "esdb: ", conn)
	}
}
