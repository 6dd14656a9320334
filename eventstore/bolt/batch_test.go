package bolt_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestAppendBatchIsOneCommit checks that a batch under MaxBatchBytes is
// settled in one transaction and one fsync, and a larger one in several.
func TestAppendBatchIsOneCommit(t *testing.T) {
	var mu sync.Mutex
	var commits []bolt.CommitStats
	s, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{
		MaxBatchBytes: 64 << 10,
		OnCommit: func(c bolt.CommitStats) {
			mu.Lock()
			commits = append(commits, c)
			mu.Unlock()
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	batch := func(n int) []eventstore.StreamAppend {
		var out []eventstore.StreamAppend
		for i := range n {
			out = append(out, eventstore.StreamAppend{Stream: fmt.Sprintf("s-%s-%d", eventstore.NewID(), i), Expected: eventstore.NoStream,
				Events: []eventstore.EventData{{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{"pad":"` + fmt.Sprintf("%0200d", i) + `"}`)}}})
		}
		return out
	}
	res, err := s.AppendBatch(t.Context(), batch(100))
	require.NoError(t, err)
	require.Len(t, res, 100)
	mu.Lock()
	require.Len(t, commits, 1, "one commit for the whole batch")
	assert.Equal(t, 100, commits[0].Appends)
	commits = nil
	mu.Unlock()

	res, err = s.AppendBatch(t.Context(), batch(1000)) // about 400 KiB: several commits
	require.NoError(t, err)
	for i, r := range res {
		require.NoError(t, r.Err, "append %d", i)
	}
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, c := range commits {
		total += c.Appends
	}
	assert.Greater(t, len(commits), 1)
	assert.Equal(t, 1000, total)
	assert.Equal(t, uint64(1100), res[999].Position)
}

// TestReadStreams checks that ReadStreams gives each short stream as
// ReadStream does, nothing for a new one, and leaves a long stream or an
// invalid ID to ReadStream.
func TestReadStreams(t *testing.T) {
	ctx := t.Context()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "cadena.db"), bolt.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	ev := func(i int) eventstore.EventData {
		return eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), Metadata: []byte(`{"m":1}`)}
	}
	_, err = s.Append(ctx, "short", eventstore.NoStream, ev(1), ev(2))
	require.NoError(t, err)
	_, err = s.Append(ctx, "other", eventstore.NoStream, ev(3))
	require.NoError(t, err)
	_, err = s.Append(ctx, "short", eventstore.Exact(2), ev(4))
	require.NoError(t, err)
	_, err = s.Append(ctx, "long", eventstore.NoStream, ev(5), ev(6), ev(7), ev(8))
	require.NoError(t, err)

	streams := []string{"short", "new", "long", "", "other"}
	out, ok, err := s.ReadStreams(ctx, streams, 3)
	require.NoError(t, err)
	require.Len(t, out, len(streams))
	assert.Equal(t, []bool{true, true, false, false, true}, ok)
	for i, stream := range streams {
		if !ok[i] {
			assert.Empty(t, out[i], stream)
			continue
		}
		var want []eventstore.RecordedEvent
		for e, err := range s.ReadStream(ctx, stream, 0) {
			require.NoError(t, err)
			want = append(want, e)
		}
		assert.Equal(t, want, out[i], stream)
	}
	assert.Len(t, out[0], 3)
	assert.Empty(t, out[1])

	require.NoError(t, s.Close())
	_, _, err = s.ReadStreams(ctx, streams, 3)
	assert.ErrorIs(t, err, eventstore.ErrClosed)
}
