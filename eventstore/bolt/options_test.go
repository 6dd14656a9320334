package bolt_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

func TestClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("CET", 3600))
	s := mustOpen(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{Clock: func() time.Time { return at }})
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	_, err := s.Append(context.Background(), "x", eventstore.NoStream, e)
	require.NoError(t, err)
	n := 0
	for ev, err := range s.ReadStream(context.Background(), "x", 0) {
		require.NoError(t, err)
		n++
		assert.Equal(t, at.UTC(), ev.RecordedAt, "RecordedAt: the clock's time, in UTC")
	}
	assert.Equal(t, 1, n, "events read")
}

func TestAppendWithEndedContext(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
	_, err := s.Append(ctx, "x", eventstore.NoStream, e)
	require.ErrorIs(t, err, context.Canceled)
	h, err := s.Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(0), h, "Head")
}

func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	mustOpen(t, path, bolt.Options{})
	s, err := bolt.Open(path, bolt.Options{LockTimeout: 10 * time.Millisecond})
	if err == nil {
		s.Close()
	}
	assert.ErrorIs(t, err, bolt.ErrLocked, "a second Open of the same file")
	_, err = bolt.Verify(path, 10*time.Millisecond)
	assert.ErrorIs(t, err, bolt.ErrLocked, "Verify of a held file")
}
