package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// TestCloseWritesASecondBulkLoad: a bulk load into a store that holds an
// earlier one (its buckets not empty: Close writes a sample first) leaves
// every head of both in the heads bucket, and finds every ID of both.
func TestCloseWritesASecondBulkLoad(t *testing.T) {
	const total = idsFlushAt + 1000
	path := filepath.Join(t.TempDir(), "events.db")
	ctx := context.Background()
	var events []eventstore.EventData
	for load := range 2 {
		s, err := Open(path, Options{RecentIDs: 4 * idsFlushAt, RecentHeads: 4 * headsFlushAt})
		require.NoError(t, err)
		appends := make([]eventstore.StreamAppend, total)
		for i := range appends {
			e := headsEvent()
			events = append(events, e)
			appends[i] = eventstore.StreamAppend{Stream: fmt.Sprintf("bulk-%d-%d", i, load), Expected: eventstore.NoStream,
				Events: []eventstore.EventData{e}}
		}
		res, err := s.AppendBatch(ctx, appends)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
		require.Len(t, s.ids.order, total, "no ID written to the bucket before Close")
		require.NoError(t, s.Close())
	}

	inBucket, complete, marked := bucketState(t, path)
	assert.True(t, marked)
	assert.Equal(t, uint64(2*total), complete)
	assert.Len(t, inBucket, 2*total)
	assert.Equal(t, streamHeadAt{1, 1}, inBucket["bulk-0-0"])
	assert.Equal(t, streamHeadAt{1, 2 * total}, inBucket[fmt.Sprintf("bulk-%d-1", total-1)])

	s, err := Open(path, Options{})
	require.NoError(t, err)
	defer s.Close()
	assert.Empty(t, s.ids.order, "IDs read back from the log at Open")
	assert.Empty(t, s.heads.order, "heads read back from the log at Open")
	for _, pos := range []uint64{1, total, total + 1, 3 * total / 2, 2 * total} {
		_, err := s.Append(ctx, "y", eventstore.Any, events[pos-1])
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "the ID of position %d in another stream", pos)
	}
}
