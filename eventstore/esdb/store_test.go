package esdb

import (
	"context"
	"errors"
	"reflect"
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
		if err != nil {
			t.Fatalf("ReadStream: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func readAll(t *testing.T, s *Store, after uint64) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for ev, err := range s.ReadAll(t.Context(), after) {
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

func TestAppendAndRead(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	a, b, c := event(`{"n":1}`), event(`{"n":2}`), event(`{"n":3}`)
	r1, err := s.Append(ctx, "s-1", eventstore.NoStream, a, b)
	if err != nil {
		t.Fatal(err)
	}
	db.system("$statsCollected")
	r2, err := s.Append(ctx, "s-1", eventstore.Exact(2), c)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Version != 2 || r2.Version != 3 || r2.Position <= r1.Position {
		t.Fatalf("results %+v, %+v", r1, r2)
	}
	got := readStream(t, s, "s-1", 0)
	if len(got) != 3 || got[0].ID != a.ID || got[2].ID != c.ID || got[0].Version != 1 || got[2].Version != 3 {
		t.Fatalf("ReadStream = %+v", got)
	}
	if got[1].Position != r1.Position || got[2].Position != r2.Position {
		t.Errorf("AppendResult positions %d, %d; stored %d, %d", r1.Position, r2.Position, got[1].Position, got[2].Position)
	}
	if after := readStream(t, s, "s-1", 2); len(after) != 1 || after[0].ID != c.ID {
		t.Errorf("ReadStream(after 2) = %+v", after)
	}
	if missing := readStream(t, s, "nope", 0); len(missing) != 0 {
		t.Errorf("missing stream yielded %+v", missing)
	}
	// ReadAll skips the system event and starts after its argument.
	all := readAll(t, s, 0)
	if !reflect.DeepEqual(all, got) {
		t.Errorf("ReadAll = %+v, want %+v", all, got)
	}
	if rest := readAll(t, s, got[0].Position); !reflect.DeepEqual(rest, got[1:]) {
		t.Errorf("ReadAll(after first) = %+v", rest)
	}
	if _, err := s.Append(ctx, "s-1", eventstore.Exact(2), event(`{}`)); !errors.Is(err, eventstore.ErrWrongVersion) {
		t.Errorf("stale Exact: err = %v, want ErrWrongVersion", err)
	}
	if _, err := s.Append(ctx, "s-2", eventstore.Exact(1), event(`{}`)); !errors.Is(err, eventstore.ErrWrongVersion) {
		t.Errorf("Exact on a missing stream: err = %v, want ErrWrongVersion", err)
	}
}

func TestAppendRetries(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	a, b := event(`{"n":1}`), event(`{"n":2}`)
	orig, err := s.Append(ctx, "s-1", eventstore.NoStream, a, b)
	if err != nil {
		t.Fatal(err)
	}
	changed := a
	changed.Data = []byte(`{"n":"changed"}`)
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(2), eventstore.Exact(7)} {
		res, err := s.Append(ctx, "s-1", exp, a, b)
		if err != nil || res != orig {
			t.Errorf("retry with expected %d: %+v, %v; want %+v", exp, res, err, orig)
		}
		if _, err := s.Append(ctx, "s-1", exp, changed, b); !errors.Is(err, eventstore.ErrDuplicateID) {
			t.Errorf("changed payload with expected %d: err = %v, want ErrDuplicateID", exp, err)
		}
	}
	// The retry of an append that is no longer the latest, with an
	// expected version the server recognises or that conflicts.
	c := event(`{"n":3}`)
	if _, err := s.Append(ctx, "s-1", eventstore.Exact(2), c); err != nil {
		t.Fatal(err)
	}
	// Exact(3), the current version, is the case the server would write
	// again.
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(2), eventstore.Exact(3), eventstore.Exact(9)} {
		res, err := s.Append(ctx, "s-1", exp, a, b)
		if err != nil || res != orig {
			t.Errorf("late retry with expected %d: %+v, %v; want %+v", exp, res, err, orig)
		}
	}
	if n := len(readStream(t, s, "s-1", 0)); n != 3 {
		t.Errorf("stream holds %d events, want 3", n)
	}

	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(3), eventstore.Exact(9)} {
		if _, err := s.Append(ctx, "s-1", exp, changed, b); !errors.Is(err, eventstore.ErrDuplicateID) {
			t.Errorf("changed payload with expected %d: err = %v, want ErrDuplicateID", exp, err)
		}
	}
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream, eventstore.Any, eventstore.Exact(3)} {
		if _, err := s.Append(ctx, "s-1", exp, b, a); !errors.Is(err, eventstore.ErrDuplicateID) {
			t.Errorf("reordered retry with expected %d: err = %v, want ErrDuplicateID", exp, err)
		}
	}
	if _, err := s.Append(ctx, "s-1", eventstore.Exact(9), b, a); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Errorf("reordered retry: err = %v, want ErrDuplicateID", err)
	}
	if _, err := s.Append(ctx, "s-1", eventstore.Exact(9), event(`{}`), b); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Errorf("partly stored IDs: err = %v, want ErrDuplicateID", err)
	}
}

func TestAppendRefusesWhatKurrentDBReserves(t *testing.T) {
	s, _, _ := newMemStore(t)
	if _, err := s.Append(t.Context(), "$all", eventstore.Any, event(`{}`)); !errors.Is(err, eventstore.ErrInvalidStream) {
		t.Errorf("stream $all: err = %v", err)
	}
	e := event(`{}`)
	e.Type = "$metadata"
	if _, err := s.Append(t.Context(), "s", eventstore.Any, e); !errors.Is(err, eventstore.ErrInvalidEvent) {
		t.Errorf("type $metadata: err = %v", err)
	}
	if _, err := s.Append(t.Context(), "s", eventstore.Any); !errors.Is(err, eventstore.ErrEmptyAppend) {
		t.Errorf("no events: err = %v", err)
	}
	for _, err := range s.ReadStream(t.Context(), "$stats-x", 0) {
		if !errors.Is(err, eventstore.ErrInvalidStream) {
			t.Errorf("ReadStream($stats-x): err = %v", err)
		}
	}
}

func TestHeadSkipsSystemEvents(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	if h, err := s.Head(ctx); err != nil || h != 0 {
		t.Fatalf("Head of an empty log = %d, %v", h, err)
	}
	db.system("$epoch-information")
	if h, err := s.Head(ctx); err != nil || h != 0 {
		t.Fatalf("Head with only system events = %d, %v", h, err)
	}
	r, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	db.system("$statsCollected")
	db.system("$statsCollected")
	if h, err := s.Head(ctx); err != nil || h != r.Position {
		t.Errorf("Head = %d, %v; want %d", h, err, r.Position)
	}
}

func TestReadAllStopsAtTheEndWhenItStarted(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	for range 3 {
		if _, err := s.Append(ctx, "s", eventstore.Any, event(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, err := range s.ReadAll(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if _, err := s.Append(ctx, "s", eventstore.Any, event(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 {
		t.Errorf("ReadAll yielded %d events, want the 3 present when it started", n)
	}
}

func TestSubscribeFollowsAcrossDrops(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var want []string
	add := func() {
		t.Helper()
		e := event(`{}`)
		if _, err := s.Append(t.Context(), "s", eventstore.Any, e); err != nil {
			t.Fatal(err)
		}
		want = append(want, e.ID)
	}
	add()
	db.system("$statsCollected")
	add()

	var got []string
	var last uint64
	for ev, err := range s.Subscribe(ctx, 0) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Subscribe: %v", err)
			}
			break
		}
		if ev.Position <= last {
			t.Fatalf("position %d after %d", ev.Position, last)
		}
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
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Subscribe delivered %v, want %v", got, want)
	}
	if db.opens < 2 {
		t.Errorf("subscribed %d times, want a resubscription", db.opens)
	}
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
	if _, err := s.Append(ctx, "s", eventstore.Any, event(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "s", eventstore.Any, event(`{}`)); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Append: %v", err)
	}
	for _, err := range s.ReadStream(ctx, "s", 0) {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("ReadStream: %v", err)
		}
	}
	for _, err := range s.ReadAll(ctx, 0) {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("ReadAll: %v", err)
		}
	}
	for _, err := range s.Subscribe(ctx, 0) {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("Subscribe: %v", err)
		}
	}
	if _, err := s.Head(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Head: %v", err)
	}
	if err := s.Ready(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Ready: %v", err)
	}
	if err := s.Close(); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
	if n := f.created[0].closeCount(); n != 1 {
		t.Errorf("client closed %d times, want 1", n)
	}
}

func TestStoreReplacesClosedClient(t *testing.T) {
	s, db, f := newMemStore(t)
	dead := &memClient{db: db, dead: true}
	f.queue = []*memClient{dead}
	if _, err := s.Append(t.Context(), "s", eventstore.NoStream, event(`{}`)); err != nil {
		t.Fatalf("Append through a dead client: %v", err)
	}
	if len(f.created) != 2 {
		t.Errorf("created %d clients, want 2", len(f.created))
	}
	if n := dead.closeCount(); n != 1 {
		t.Errorf("dead client closed %d times, want 1", n)
	}
	if err := s.Ready(t.Context()); err != nil {
		t.Errorf("Ready: %v", err)
	}
}

func TestConfirmSeesAnotherArrangement(t *testing.T) {
	s, _, _ := newMemStore(t)
	ctx := t.Context()
	a, b := event(`{"n":1}`), event(`{"n":2}`)
	res, err := s.Append(ctx, "s", eventstore.NoStream, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.confirm(ctx, "s", 1, []eventstore.EventData{a, b}); err != nil || got != res {
		t.Errorf("confirm of the stored order = %+v, %v; want %+v", got, err, res)
	}
	// A server that reports success for IDs it holds in another order.
	if _, err := s.confirm(ctx, "s", 1, []eventstore.EventData{b, a}); !errors.Is(err, eventstore.ErrDuplicateID) {
		t.Errorf("confirm of another order: err = %v, want ErrDuplicateID", err)
	}
}

func TestPositionsWhereNoRecordStarts(t *testing.T) {
	s, db, _ := newMemStore(t)
	ctx := t.Context()
	first, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	db.system("$statsCollected")
	second, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, after := range []uint64{first.Position - 1, first.Position + 1, second.Position - 1} {
		want := second.Position
		if after < first.Position {
			want = first.Position
		}
		all := readAll(t, s, after)
		if len(all) == 0 || all[0].Position != want {
			t.Errorf("ReadAll(%d) = %+v, want it to start at %d", after, all, want)
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		for ev, err := range s.Subscribe(ctx, after) {
			if err != nil {
				t.Errorf("Subscribe(%d): %v", after, err)
			} else if ev.Position != want {
				t.Errorf("Subscribe(%d) starts at %d, want %d", after, ev.Position, want)
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
	if _, err := s.Append(t.Context(), "s", eventstore.Any, event(`{}`)); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Append while closing: %v, want ErrClosed", err)
	}
	for _, err := range s.ReadStream(t.Context(), "s", 0) {
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("ReadStream while closing: %v, want ErrClosed", err)
		}
	}
	close(sc.release)
	if err := <-result; err != nil {
		t.Errorf("Append in progress at Close: %v", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if sc.closeCount() != 1 {
		t.Errorf("client closed %d times, want 1", sc.closeCount())
	}
}

func TestSubscribeRetriesWhileTheServerIsAway(t *testing.T) {
	s, db, f := newMemStore(t)
	ctx := t.Context()
	first, err := s.Append(ctx, "s", eventstore.Any, event(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	second := event(`{}`)
	if _, err := s.Append(ctx, "s", eventstore.Any, second); err != nil {
		t.Fatal(err)
	}
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
		if err != nil {
			t.Fatalf("Subscribe: %v", err)
		}
		if ev.ID == second.ID {
			break
		}
	}
	if len(f.created) < 6 {
		t.Errorf("created %d clients, want at least 6", len(f.created))
	}
}
