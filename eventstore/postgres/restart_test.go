package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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
