package bolt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// Fault modes of faultHook.
const (
	commitOK       int32 = iota
	failWrite            // the commit writes nothing and fails, as on a full disk
	failSyncOfMeta       // the commit reaches the file, then its sync fails
)

// faultHook returns a CommitHook that fails commits as mode says.
func faultHook(mode *atomic.Int32) func(func() error) error {
	return func(commit func() error) error {
		switch mode.Load() {
		case failWrite:
			return fmt.Errorf("write cadena.db: %w", syscall.ENOSPC)
		case failSyncOfMeta:
			if err := commit(); err != nil {
				return err
			}
			return fmt.Errorf("fdatasync cadena.db: %w", syscall.EIO)
		}
		return commit()
	}
}

func event(data string) eventstore.EventData {
	return eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(data)}
}

// collect follows the store from the start and sends what it yields.
func collect(ctx context.Context, s eventstore.Store) (<-chan eventstore.RecordedEvent, <-chan error) {
	events := make(chan eventstore.RecordedEvent, 100)
	errs := make(chan error, 1)
	go func() {
		for ev, err := range s.Subscribe(ctx, 0) {
			if err != nil {
				errs <- err
				return
			}
			events <- ev
		}
	}()
	return events, errs
}

// TestFailedCommitsDoNotEndTheStore injects write and sync failures behind
// the store: each failed append returns ErrUnavailable, reads and
// subscriptions go on, and the next commit succeeds once the fault is gone,
// with positions dense and nothing lost.
func TestFailedCommitsDoNotEndTheStore(t *testing.T) {
	for _, recent := range []int{0, 2} { // 2: some commits also write the ID index
		t.Run(fmt.Sprintf("RecentIDs=%d", recent), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var mode atomic.Int32
			path := filepath.Join(t.TempDir(), "cadena.db")
			s, err := bolt.Open(path, bolt.Options{RecentIDs: recent, CommitHook: faultHook(&mode)})
			require.NoError(t, err)
			events, subErr := collect(ctx, s)

			a, b, c, d := event(`"a"`), event(`"b"`), event(`"c"`), event(`"d"`)
			_, err = s.Append(ctx, "x", eventstore.NoStream, a)
			require.NoError(t, err)

			mode.Store(failWrite)
			_, err = s.Append(ctx, "x", eventstore.Exact(1), b)
			assert.ErrorIs(t, err, eventstore.ErrUnavailable)
			assert.ErrorIs(t, err, syscall.ENOSPC)
			head, err := s.Head(ctx)
			require.NoError(t, err)
			assert.Equal(t, uint64(1), head, "a failed write is not visible")
			assert.Equal(t, []string{`"a"`}, streamData(t, s, "x"))

			mode.Store(commitOK)
			res, err := s.Append(ctx, "x", eventstore.Exact(1), b)
			require.NoError(t, err, "the first append after the fault")
			assert.Equal(t, eventstore.AppendResult{Version: 2, Position: 2}, res)

			mode.Store(failSyncOfMeta)
			_, err = s.Append(ctx, "x", eventstore.Exact(2), c)
			assert.ErrorIs(t, err, eventstore.ErrUnavailable)
			assert.ErrorIs(t, err, syscall.EIO)
			// The transaction reached the file: the store shows it, and a
			// retry is an idempotent one.
			mode.Store(commitOK)
			res, err = s.Append(ctx, "x", eventstore.Exact(2), c)
			require.NoError(t, err, "retry of an append whose sync failed")
			assert.Equal(t, eventstore.AppendResult{Version: 3, Position: 3}, res)
			res, err = s.Append(ctx, "x", eventstore.Exact(3), d)
			require.NoError(t, err)
			assert.Equal(t, eventstore.AppendResult{Version: 4, Position: 4}, res)

			for i, want := range []eventstore.EventData{a, b, c, d} {
				select {
				case ev := <-events:
					assert.Equal(t, want.ID, ev.ID, "event %d of the subscription", i)
					assert.Equal(t, uint64(i+1), ev.Position)
				case err := <-subErr:
					t.Fatalf("the subscription ended: %v", err)
				}
			}
			cancel()
			require.NoError(t, s.Close())

			s = mustOpen(t, path, bolt.Options{RecentIDs: recent})
			assert.Equal(t, []string{`"a"`, `"b"`, `"c"`, `"d"`}, streamData(t, s, "x"))
			res, err = s.Append(context.Background(), "x", eventstore.Any, c)
			require.NoError(t, err, "retry after reopening")
			assert.Equal(t, eventstore.AppendResult{Version: 3, Position: 3}, res)
		})
	}
}

// TestFailedCommitAmongOthers fails a commit shared by several appends:
// every one of them is answered ErrUnavailable, and none is stored.
func TestFailedCommitAmongOthers(t *testing.T) {
	var mode atomic.Int32
	mode.Store(failWrite)
	s := mustOpen(t, filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{CommitHook: faultHook(&mode)})
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			_, err := s.Append(context.Background(), fmt.Sprintf("s%d", i), eventstore.NoStream, event(`{}`))
			errs <- err
		}()
	}
	for range 8 {
		assert.ErrorIs(t, <-errs, eventstore.ErrUnavailable)
	}
	head, err := s.Head(context.Background())
	require.NoError(t, err)
	assert.Zero(t, head)
	mode.Store(commitOK)
	res, err := s.Append(context.Background(), "s0", eventstore.NoStream, event(`{}`))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), res.Position)
}

// streamData returns the data of every event of stream.
func streamData(t *testing.T, s eventstore.Store, stream string) []string {
	t.Helper()
	var out []string
	for ev, err := range s.ReadStream(context.Background(), stream, 0) {
		require.NoError(t, err)
		out = append(out, string(ev.Data))
	}
	return out
}
