package bolt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// TestSweepWritesFewPagesPerHead: with stream IDs at random over the key
// space and a heads bucket many times larger than a flush, a flush writes
// a run of pending streams in key order, which lies on far fewer pages of
// the bucket than it holds heads (the streams of the oldest appends lie
// on about a page each). The pages are read back from the file after each
// commit.
func TestSweepWritesFewPagesPerHead(t *testing.T) {
	const recent, fill, measured = 4096, 30000, 12000
	step := recent / 32
	path := filepath.Join(t.TempDir(), "events.db")
	var walker *pageWalker
	var werr error
	var measuring bool
	flushes, pages := 0, 0
	s, err := Open(path, Options{RecentHeads: recent, OnCommit: func(CommitStats) {
		if walker == nil || werr != nil {
			return
		}
		var p commitPages
		p, werr = walker.step()
		if n := p.pages["heads"]; measuring && n > 0 {
			flushes++
			pages += n
		}
	}})
	require.NoError(t, err)
	defer s.Close()
	walker, err = newPageWalker(path)
	require.NoError(t, err)
	defer walker.close()
	_, err = walker.step()
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(1, 2))
	appendNew := func(n int) {
		for n > 0 {
			batch := make([]eventstore.StreamAppend, min(n, 64))
			for i := range batch {
				batch[i] = eventstore.StreamAppend{Stream: fmt.Sprintf("handoff-%016x%016x", rng.Uint64(), rng.Uint64()),
					Expected: eventstore.NoStream, Events: []eventstore.EventData{headsEvent()}}
			}
			res, err := s.AppendBatch(context.Background(), batch)
			require.NoError(t, err)
			for _, r := range res {
				require.NoError(t, r.Err)
			}
			n -= len(batch)
		}
	}
	appendNew(fill)
	measuring = true
	appendNew(measured)
	require.NoError(t, werr)
	require.Positive(t, flushes)
	perFlush := float64(pages) / float64(flushes)
	t.Logf("%d flushes of at least %d heads, %.1f pages of the heads bucket each", flushes, step, perFlush)
	assert.Less(t, perFlush, float64(step)/3, "pages of the heads bucket a flush writes")
}
