package bolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/bolt/bolttest"
)

// TestFullDisk fills a real file system: the append that does not fit
// returns ErrUnavailable, reads and subscriptions go on, Ready says the
// store cannot write, and once space is freed Ready recovers and appends
// succeed again, without reopening; every acknowledged event is kept.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a file system")
	}
	dir := bolttest.SmallFS(t, 4<<20)
	ballast := filepath.Join(dir, "ballast")
	require.NoError(t, os.WriteFile(ballast, make([]byte, 1<<20), 0o600))
	path := filepath.Join(dir, "cadena.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := bolt.Open(path, bolt.Options{})
	require.NoError(t, err)
	events, subErr := collect(ctx, s)

	pad := strings.Repeat("x", 8<<10)
	var acked []string
	var failed eventstore.EventData
	for i := 0; ; i++ {
		require.Less(t, i, 2000, "the file system never filled")
		e := event(fmt.Sprintf(`{"n":%d,"pad":%q}`, i, pad))
		_, err := s.Append(ctx, "x", eventstore.Any, e)
		if err != nil {
			require.ErrorIs(t, err, eventstore.ErrUnavailable)
			t.Logf("append %d: %v", i, err)
			failed = e
			break
		}
		acked = append(acked, e.ID)
	}
	t.Logf("%d events acknowledged before the disk filled", len(acked))
	require.NotEmpty(t, acked)
	assert.ErrorIs(t, s.Ready(ctx), eventstore.ErrUnavailable, "Ready with the disk full")
	head, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(len(acked)), head)
	for i := range acked {
		select {
		case ev := <-events:
			assert.Equal(t, acked[i], ev.ID)
		case err := <-subErr:
			t.Fatalf("the subscription ended: %v", err)
		}
	}
	_, err = s.Append(ctx, "x", eventstore.Any, failed)
	assert.ErrorIs(t, err, eventstore.ErrUnavailable, "still full")

	require.NoError(t, os.Remove(ballast))
	assert.NoError(t, s.Ready(ctx), "Ready once space is back")
	res, err := s.Append(ctx, "x", eventstore.Any, failed)
	require.NoError(t, err, "the append once space is back")
	assert.Equal(t, uint64(len(acked)+1), res.Position)
	acked = append(acked, failed.ID)
	select {
	case ev := <-events:
		assert.Equal(t, failed.ID, ev.ID)
	case err := <-subErr:
		t.Fatalf("the subscription ended: %v", err)
	}
	cancel()
	require.NoError(t, s.Close())

	checkFile(t, path)
	s = mustOpen(t, path, bolt.Options{})
	var got []string
	for ev, err := range s.ReadAll(context.Background(), 0) {
		require.NoError(t, err)
		assert.Equal(t, uint64(len(got)+1), ev.Position)
		got = append(got, ev.ID)
	}
	assert.Equal(t, acked, got)
}

// checkFile runs bbolt's consistency check on a closed store's file.
func checkFile(t *testing.T, path string) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}))
}
