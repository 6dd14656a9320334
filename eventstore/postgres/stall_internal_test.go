package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestStalledAppenderFreesTheLock: a replica whose committer stalls (a
// frozen process, a network gone without a reset) while its transaction
// holds the append lock must not stop every other replica's appends until
// TCP keepalive notices. The server ends its idle session after its
// CommitTimeout, another store's append goes through, and the stalled
// append reports ErrUnavailable and wrote nothing.
func TestStalledAppenderFreesTheLock(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	stalled := mustOpenInternal(t, url, Options{Schema: schema, CommitTimeout: time.Second})
	other := mustOpenInternal(t, url, Options{Schema: schema, CommitTimeout: 10 * time.Second})

	locked, unstall := holdCommit(t, stalled)
	stalledEv := event(0)
	stalledErr := make(chan error, 1)
	go func() {
		_, err := stalled.Append(context.Background(), "stalled", eventstore.NoStream, stalledEv)
		stalledErr <- err
	}()
	<-locked

	// Without the server ending the stalled session, this waits for the
	// lock until its own CommitTimeout (10s) and fails.
	res, err := other.Append(t.Context(), "other", eventstore.NoStream, event(1))
	require.NoError(t, err, "an append while another replica's committer stalls with the lock")

	unstall()
	assert.ErrorIs(t, <-stalledErr, eventstore.ErrUnavailable, "the stalled append")
	head, err := other.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, res.Position, head, "the stalled append wrote nothing")
	for _, err := range other.ReadStream(t.Context(), "stalled", 0) {
		t.Fatalf("the stalled append is in the log (err %v)", err)
	}

	// The stalled store works again by itself.
	_, err = stalled.Append(t.Context(), "stalled", eventstore.NoStream, stalledEv)
	require.NoError(t, err, "a retry of the stalled append")
}

// TestCommitTimeoutIsUnavailable: an append that cannot get the append
// lock within CommitTimeout (another session holds it) fails with
// ErrUnavailable, a 503 and not a 500, and writes nothing.
func TestCommitTimeoutIsUnavailable(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	s := mustOpenInternal(t, url, Options{Schema: schema, CommitTimeout: 200 * time.Millisecond})

	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	held, err := conn.Begin(t.Context())
	require.NoError(t, err)
	_, err = held.Exec(t.Context(), "SELECT pg_advisory_xact_lock($1)", lockKey("append", schema))
	require.NoError(t, err)

	_, err = s.Append(t.Context(), "timed-out", eventstore.NoStream, event(0))
	require.ErrorIs(t, err, eventstore.ErrUnavailable)
	require.NoError(t, held.Rollback(t.Context()))

	head, err := s.Head(t.Context())
	require.NoError(t, err)
	assert.Zero(t, head, "the timed-out append wrote nothing")
	_, err = s.Append(t.Context(), "timed-out", eventstore.NoStream, event(0))
	require.NoError(t, err, "once the lock is free")
}

// holdCommit makes s's next commit stop once it holds the append lock:
// locked is closed then, and the commit goes on when release is called
// (or the test ends). Later commits are not held.
func holdCommit(t *testing.T, s *Store) (locked <-chan struct{}, release func()) {
	held, released := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(released) }) }
	t.Cleanup(release) // before the stores close: Close waits for the committer
	s.testHookLocked = func() {
		s.testHookLocked = nil
		close(held)
		<-released
	}
	return held, release
}
