package postgres_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestServerRestart stops the server under a store and a live
// subscription: calls fail with ErrUnavailable while it is down, the
// subscription waits instead of failing, and everything works again once
// the server is back, without reopening the store.
func TestServerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	c := pgtest.NewCluster(t)
	s := mustOpen(t, c.URL, postgres.Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, PollInterval: 100 * time.Millisecond})
	ctx := t.Context()
	appendN := func(stream string, from, n int) error {
		for i := from; i < from+n; i++ {
			if _, err := s.Append(ctx, stream, eventstore.Exact(uint64(i)), eventstore.EventData{
				ID: eventstore.NewID(), Type: "test.happened.v1", Data: fmt.Appendf(nil, `{"n":%d}`, i)}); err != nil {
				return err
			}
		}
		return nil
	}

	// Another store that only notifications wake: after the restart its
	// listener must reconnect by itself.
	other := mustOpen(t, c.URL, postgres.Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, PollInterval: time.Hour})
	otherSeen := make(chan eventstore.RecordedEvent, 100)
	go func() {
		for ev, err := range other.Subscribe(ctx, 0) {
			if err != nil {
				return
			}
			otherSeen <- ev
		}
	}()

	seen := make(chan eventstore.RecordedEvent, 100)
	subErr := make(chan error, 1)
	subCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		for ev, err := range s.Subscribe(subCtx, 0) {
			if err != nil {
				subErr <- err
				return
			}
			seen <- ev
		}
	}()
	require.NoError(t, appendN("restart", 0, 5))
	for i := range 5 {
		assert.Equal(t, uint64(i+1), (<-seen).Version)
		assert.Equal(t, uint64(i+1), (<-otherSeen).Version)
	}

	c.Stop(t)
	assert.ErrorIs(t, s.Ready(ctx), eventstore.ErrUnavailable)
	assert.ErrorIs(t, appendN("restart", 5, 1), eventstore.ErrUnavailable)
	_, err := s.Head(ctx)
	assert.ErrorIs(t, err, eventstore.ErrUnavailable)
	for _, err := range s.ReadStream(ctx, "restart", 0) {
		assert.ErrorIs(t, err, eventstore.ErrUnavailable)
	}

	c.Start(t)
	for s.Ready(ctx) != nil {
		time.Sleep(10 * time.Millisecond) // until the pool reconnects
	}
	require.NoError(t, appendN("restart", 5, 5))
	for i := 5; i < 10; i++ {
		ev := <-seen
		assert.Equal(t, uint64(i+1), ev.Version, "the subscription resumes where it was")
		assert.Equal(t, uint64(i+1), (<-otherSeen).Version, "the other store's listener is back")
	}
	select {
	case err := <-subErr:
		t.Fatalf("the subscription ended: %v", err)
	default:
	}
	stop()
	assert.ErrorIs(t, <-subErr, context.Canceled)
}

// TestConnectionsTerminated: the server ends every session of the store
// (pg_terminate_backend, as a failover or an administrator does) while
// the server itself stays up. An append meets the dead connection at most
// as ErrUnavailable, never another error, and the store recovers by
// itself: appends work again, a subscription on it goes on, and another
// store's listener reconnects, so its subscription, woken only by
// notifications, sees the appends made after.
func TestConnectionsTerminated(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	ctx := t.Context()
	name := "cadena_" + schema // the sessions to end, and only them
	opts := postgres.Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	s := mustOpen(t, pgtest.WithSchema(t, u, schema)+"&application_name="+name, opts)
	opts.PollInterval = time.Hour
	other := mustOpen(t, pgtest.WithSchema(t, u, schema)+"&application_name="+name, opts)

	seen, otherSeen := make(chan eventstore.RecordedEvent, 100), make(chan eventstore.RecordedEvent, 100)
	for store, ch := range map[*postgres.Store]chan eventstore.RecordedEvent{s: seen, other: otherSeen} {
		go func() {
			for ev, err := range store.Subscribe(ctx, 0) {
				if err != nil {
					return
				}
				ch <- ev
			}
		}()
	}
	version := 0
	appendOne := func() error {
		_, err := s.Append(ctx, "terminated", eventstore.Exact(uint64(version)), eventstore.EventData{
			ID: eventstore.NewID(), Type: "test.happened.v1", Data: fmt.Appendf(nil, `{"n":%d}`, version)})
		if err == nil {
			version++
		}
		return err
	}
	for range 3 {
		require.NoError(t, appendOne())
	}
	for i := range 3 {
		assert.Equal(t, uint64(i+1), (<-seen).Version)
		assert.Equal(t, uint64(i+1), (<-otherSeen).Version)
	}

	admin, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer admin.Close(context.Background())
	var ended int
	require.NoError(t, admin.QueryRow(ctx, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&ended))
	require.NotZero(t, ended, "sessions ended")

	for version < 8 {
		if err := appendOne(); err != nil {
			require.ErrorIs(t, err, eventstore.ErrUnavailable, "an append on a connection the server ended")
		}
	}
	for i := 3; i < 8; i++ {
		assert.Equal(t, uint64(i+1), (<-seen).Version, "the subscription goes on")
		assert.Equal(t, uint64(i+1), (<-otherSeen).Version, "the other store's listener is back")
	}
	require.NoError(t, s.Ready(ctx))
}

// TestReadyWhenTheServerHangs: the server's processes for the store stop
// answering (SIGSTOP, as a network that drops every packet would look):
// Ready answers ErrUnavailable within ReadyTimeout instead of waiting for
// the caller's patience, and nil again once they go on.
func TestReadyWhenTheServerHangs(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	ctx := t.Context()
	name := "cadena_" + schema
	s := mustOpen(t, pgtest.WithSchema(t, u, schema)+"&application_name="+name, postgres.Options{ReadyTimeout: 300 * time.Millisecond})
	require.NoError(t, s.Ready(ctx))

	admin, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer admin.Close(context.Background())
	rows, err := admin.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE application_name = $1", name)
	require.NoError(t, err)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(t, err)
	require.NotEmpty(t, pids)
	resume := func() {
		for _, pid := range pids {
			syscall.Kill(int(pid), syscall.SIGCONT)
		}
	}
	t.Cleanup(resume)
	for _, pid := range pids {
		if err := syscall.Kill(int(pid), syscall.SIGSTOP); err != nil {
			t.Skipf("cannot stop the server's process %d: %v", pid, err)
		}
	}

	// A caller more patient than ReadyTimeout: without it, Ready would
	// wait for this ctx and answer its deadline.
	patient, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err = s.Ready(patient)
	require.ErrorIs(t, err, eventstore.ErrUnavailable, "Ready while the server does not answer")

	resume()
	for s.Ready(ctx) != nil {
		time.Sleep(10 * time.Millisecond) // until the pool has a live connection
	}
}
