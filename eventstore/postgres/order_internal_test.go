package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestOrderWithATransactionHeldOpen holds an append transaction open on
// purpose, as a slow replica would: it has taken the append lock and
// written an event, but not committed. Appends made meanwhile by two
// other stores wait for it, so nothing after its position becomes
// visible before it; a subscriber that follows the whole time sees every
// position once, densely, in order, the held event first.
func TestOrderWithATransactionHeldOpen(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	a := mustOpenInternal(t, url, Options{Schema: schema})
	b := mustOpenInternal(t, url, Options{Schema: schema})
	ctx := t.Context()
	_, err := a.Append(ctx, "order-setup", eventstore.NoStream, event(0))
	require.NoError(t, err)
	start, err := a.Head(ctx)
	require.NoError(t, err)

	// A subscriber on a third store records what it sees.
	sub := mustOpenInternal(t, url, Options{Schema: schema})
	subCtx, stopSub := context.WithCancel(ctx)
	defer stopSub()
	const writers, perWriter = 8, 5
	seen := make(chan eventstore.RecordedEvent, 1+writers*perWriter)
	subDone := make(chan error, 1)
	go func() {
		for ev, err := range sub.Subscribe(subCtx, start) {
			if err != nil {
				subDone <- err
				return
			}
			seen <- ev
		}
	}()

	// The held transaction: the lock, then its event at head+1.
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "SET search_path = "+schema)
	require.NoError(t, err)
	held, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = held.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey("append", schema))
	require.NoError(t, err)
	heldID := eventstore.NewID()
	_, err = held.Exec(ctx, `INSERT INTO events (position, stream, version, id, type, data, metadata, recorded_at)
		SELECT coalesce(max(position), 0) + 1, 'order-held', 1, $1, 'test.held.v1', '{}', '', clock_timestamp() FROM events`, heldID)
	require.NoError(t, err)

	// Later appends, through both stores, from several writers.
	var wg sync.WaitGroup
	results := make(chan eventstore.AppendResult, writers*perWriter)
	for w := range writers {
		s := []*Store{a, b}[w%2]
		wg.Go(func() {
			for i := range perWriter {
				res, err := s.Append(context.Background(), fmt.Sprintf("order-%d", w), eventstore.Exact(uint64(i)), event(i))
				if assert.NoError(t, err) {
					results <- res
				}
			}
		})
	}
	// Both stores' committers come to wait for the lock (an append that
	// returns meanwhile did not wait: the test fails); the log has not
	// moved past start for anyone.
	waitForLockWaiters(t, conn, lockKey("append", schema), 2, results)
	head, err := b.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, start, head, "an append committed while the held transaction had the lock")

	require.NoError(t, held.Commit(ctx))
	wg.Wait()
	close(results)
	var last uint64
	for res := range results {
		last = max(last, res.Position)
	}
	assert.Equal(t, start+1+writers*perWriter, last, "positions are dense")

	want := start + 1
	versions := map[string]uint64{}
	for want <= last {
		ev := <-seen
		require.Equal(t, want, ev.Position, "the subscriber skipped or repeated a position")
		if want == start+1 {
			assert.Equal(t, heldID, ev.ID, "the held event comes first")
		}
		versions[ev.StreamID]++
		assert.Equal(t, versions[ev.StreamID], ev.Version)
		want++
	}
	stopSub()
	assert.ErrorIs(t, <-subDone, context.Canceled)
}

// waitForLockWaiters waits until n sessions wait for the advisory lock key.
func waitForLockWaiters(t *testing.T, conn *pgx.Conn, key int64, n int, results chan eventstore.AppendResult) {
	t.Helper()
	for {
		require.Empty(t, results, "an append returned while the held transaction had the lock")
		var waiting int
		// A bigint key is shown as classid (high half) and objid (low half).
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
			AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295`, key).Scan(&waiting))
		if waiting >= n {
			return
		}
		_, err := conn.Exec(t.Context(), "SELECT pg_sleep(0.01)")
		require.NoError(t, err)
	}
}

func event(n int) eventstore.EventData {
	return eventstore.EventData{ID: eventstore.NewID(), Type: "test.happened.v1", Data: fmt.Appendf(nil, `{"n":%d}`, n)}
}

func mustOpenInternal(t testing.TB, url string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestSettingsFromURL: the pool and the timeouts come from the URL, and
// the schema parameter is cadena's, not sent to the server.
func TestSettingsFromURL(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	s := mustOpenInternal(t, pgtest.WithSchema(t, u, schema)+"&pool_max_conns=3&connect_timeout=7&statement_timeout=4000", Options{})
	cfg := s.pool.Config()
	assert.Equal(t, int32(3), cfg.MaxConns)
	assert.Equal(t, 7*time.Second, cfg.ConnConfig.ConnectTimeout)
	assert.Equal(t, schema, s.Schema())
	var timeout, path string
	require.NoError(t, s.pool.QueryRow(t.Context(), "SELECT current_setting('statement_timeout'), current_setting('search_path')").Scan(&timeout, &path))
	assert.Equal(t, "4s", timeout)
	assert.Equal(t, schema, path)
}

// TestOrderWithAStoreCommitHeld is TestOrderWithATransactionHeldOpen with
// the store's own commit held: store a's committer stops once its
// transaction holds the append lock, before it writes; store b's append,
// made meanwhile, waits for it, and once a goes on, a follower on a third
// store sees a's event, then b's, at consecutive positions.
func TestOrderWithAStoreCommitHeld(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	a := mustOpenInternal(t, url, Options{Schema: schema})
	b := mustOpenInternal(t, url, Options{Schema: schema})
	follower := mustOpenInternal(t, url, Options{Schema: schema})
	ctx := t.Context()

	locked, unhold := holdCommit(t, a)
	type appended struct {
		res eventstore.AppendResult
		err error
	}
	aDone := make(chan appended, 1)
	go func() {
		res, err := a.Append(context.Background(), "held-a", eventstore.NoStream, event(0))
		aDone <- appended{res, err}
	}()
	<-locked
	bDone, bErr := make(chan eventstore.AppendResult, 1), make(chan error, 1)
	go func() {
		res, err := b.Append(context.Background(), "held-b", eventstore.NoStream, event(1))
		bErr <- err
		bDone <- res
	}()

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	// Fails if b's append returns before it comes to wait for the lock.
	waitForLockWaiters(t, conn, lockKey("append", schema), 1, bDone)
	head, err := follower.Head(ctx)
	require.NoError(t, err)
	require.Zero(t, head, "an event became visible while a's commit held the lock")

	unhold()
	ra := <-aDone
	require.NoError(t, ra.err)
	require.NoError(t, <-bErr)
	assert.Equal(t, uint64(1), ra.res.Position, "a took the lock first")
	assert.Equal(t, uint64(2), (<-bDone).Position)

	var streams []string
	for ev, err := range follower.Subscribe(ctx, 0) {
		require.NoError(t, err)
		assert.Equal(t, uint64(len(streams)+1), ev.Position, "the follower skipped or repeated a position")
		streams = append(streams, ev.StreamID)
		if len(streams) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"held-a", "held-b"}, streams)
}
