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
