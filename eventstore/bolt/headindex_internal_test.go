package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
)

func headsEvent() eventstore.EventData {
	return eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
}

// appendHeads appends total events, one to five at a time, to a new stream
// two appends in three and to stream "x" otherwise, each expecting the
// version want holds, and records the heads they leave in want.
func appendHeads(t *testing.T, s *Store, prefix string, total int, want map[string]streamHeadAt) {
	t.Helper()
	for i, n := 0, 0; n < total; i++ {
		stream := "x"
		if i%3 != 0 {
			stream = fmt.Sprintf("%s-%d", prefix, i)
		}
		evs := make([]eventstore.EventData, 1+i%5)
		for j := range evs {
			evs[j] = headsEvent()
		}
		res, err := s.Append(context.Background(), stream, eventstore.Exact(want[stream].version), evs...)
		require.NoError(t, err)
		want[stream] = streamHeadAt{res.Version, res.Position}
		n += len(evs)
	}
}

// assertHeads reads every stream of want back from s.
func assertHeads(t *testing.T, s *Store, want map[string]streamHeadAt) {
	t.Helper()
	for stream, h := range want {
		var last eventstore.RecordedEvent
		n := uint64(0)
		for ev, err := range s.ReadStream(context.Background(), stream, 0) {
			require.NoError(t, err, "read %q", stream)
			n++
			assert.Equal(t, n, ev.Version, "%q", stream)
			last = ev
		}
		assert.Equal(t, h, streamHeadAt{n, last.Position}, "head of %q", stream)
	}
}

// bucketState reads the heads bucket and keyHeads of the file at path.
func bucketState(t *testing.T, path string) (map[string]streamHeadAt, uint64, bool) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	heads := map[string]streamHeadAt{}
	var complete uint64
	var marked bool
	require.NoError(t, db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyHeads); v != nil {
			complete, marked = binary.BigEndian.Uint64(v), true
		}
		return tx.Bucket(bucketHeads).ForEach(func(k, v []byte) error {
			heads[string(k)] = bucketHead(tx.Bucket(bucketHeads), string(k))
			return nil
		})
	}))
	return heads, complete, marked
}

// TestHeadsFlushInSteps: past RecentHeads pending streams,
// commits write heads to the heads bucket a step at a time, so
// the bucket holds the head of every stream as of the position the meta
// bucket records (or a later one), the rest are read back from the log at
// Open, and Verify finds the file sound.
func TestHeadsFlushInSteps(t *testing.T) {
	const recent, total = 64, 600
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: recent})
	require.NoError(t, err)
	want := map[string]streamHeadAt{}
	appendHeads(t, s, "s", total, want)
	assert.LessOrEqual(t, len(s.heads.order), recent, "appends whose heads are in memory")
	assert.Less(t, len(s.heads.recent), len(want), "some heads left memory")
	assertHeads(t, s, want)
	require.NoError(t, s.Close())

	inBucket, complete, marked := bucketState(t, path)
	require.True(t, marked, "the meta bucket says where the heads bucket is complete")
	assert.Positive(t, complete)
	for stream, h := range want {
		got, ok := inBucket[stream]
		if h.last <= complete {
			assert.Equal(t, h, got, "head of %q, last appended to at or before %d", stream, complete)
		} else if ok {
			assert.LessOrEqual(t, got.version, h.version, "head of %q", stream)
		}
	}
	assert.Less(t, len(inBucket), len(want), "the newest streams' heads are only in the log")

	rep, err := Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, len(want), rep.Streams)

	s, err = Open(path, Options{RecentHeads: recent})
	require.NoError(t, err)
	defer s.Close()
	assertHeads(t, s, want)
	appendHeads(t, s, "t", 100, want) // x goes on from its head
	assertHeads(t, s, want)
}

// TestOpenFileWithoutHeadsKey: a file written before keyHeads existed has
// every head in its bucket; it opens as it is, and its first commit
// records where the bucket is complete, so a copy taken at any commit
// (what a crash leaves) has every head.
func TestOpenFileWithoutHeadsKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: 16})
	require.NoError(t, err)
	want := map[string]streamHeadAt{}
	appendHeads(t, s, "old", 200, want)
	require.NoError(t, s.Close())
	// Write every head to the bucket and drop the key, as the old format did.
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
		for stream, h := range want {
			if err := tx.Bucket(bucketHeads).Put([]byte(stream), encodeHead(h)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(keyHeads)
	}))
	require.NoError(t, db.Close())
	_, _, marked := bucketState(t, path)
	require.False(t, marked)
	rep, err := Verify(path, 0)
	require.NoError(t, err)
	require.Empty(t, rep.Problems, "the old format is sound")

	s, err = Open(path, Options{RecentHeads: 16})
	require.NoError(t, err)
	defer s.Close()
	assertHeads(t, s, want)
	appendHeads(t, s, "new", 10, want) // x goes on from its head
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(copyPath)
	require.NoError(t, err)
	_, err = s.Backup(context.Background(), f, nil)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, complete, marked := bucketState(t, copyPath)
	assert.True(t, marked, "the first commit records the key")
	assert.Less(t, complete, uint64(210), "the bucket is complete up to where it was")
	rep, err = Verify(copyPath, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	c, err := Open(copyPath, Options{})
	require.NoError(t, err)
	defer c.Close()
	assertHeads(t, c, want)
}

// TestHeadAtFollowsTheChainBack: a head the bucket holds that is newer
// than the position a reader asks for leads back, through the stream's
// events, to the head as of that position.
func TestHeadAtFollowsTheChainBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: 1}) // every commit writes the heads before it
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for _, stream := range []string{"x", "y", "x", "x", "z"} { // x at 1, 3, 4
		_, err := s.Append(ctx, stream, eventstore.Any, headsEvent())
		require.NoError(t, err)
	}
	require.NoError(t, s.view(func(tx *bbolt.Tx) error {
		heads := tx.Bucket(bucketHeads)
		require.Equal(t, streamHeadAt{3, 4}, bucketHead(heads, "x"))
		for at, want := range map[uint64]streamHeadAt{0: {}, 1: {1, 1}, 2: {1, 1}, 3: {2, 3}, 4: {3, 4}, 5: {3, 4}} {
			got, err := headAt(tx, heads, "x", at)
			require.NoError(t, err)
			assert.Equal(t, want, got, "x as of %d", at)
		}
		return nil
	}))
}

// TestReadersSeeCommittedHeads: while heads move from memory to the bucket
// at almost every commit, every read sees each acknowledged append, and
// appends with an expected version read from the store never conflict.
func TestReadersSeeCommittedHeads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: 4})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 150 {
				stream := fmt.Sprintf("w%d-%d", w, i/3) // three appends a stream
				var version uint64
				for ev, err := range s.ReadStream(ctx, stream, 0) {
					if !assert.NoError(t, err) {
						return
					}
					version = ev.Version
				}
				res, err := s.Append(ctx, stream, eventstore.Exact(version), headsEvent())
				if !assert.NoError(t, err, "append to %q after reading version %d", stream, version) {
					return
				}
				out, ok, err := s.ReadStreams(ctx, []string{stream, fmt.Sprintf("w%d-%d", w, 0)}, 10)
				if !assert.NoError(t, err) {
					return
				}
				assert.True(t, ok[0])
				if assert.Len(t, out[0], int(res.Version), "ReadStreams of %q after appending version %d", stream, res.Version) {
					assert.Equal(t, res.Position, out[0][len(out[0])-1].Position)
				}
				assert.Len(t, out[1], min(i+1, 3))
			}
		})
	}
	wg.Wait()
	require.NoError(t, s.Close())
	rep, err := Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, 4*50, rep.Streams)
}

// TestVerifyChecksHeadsUpToTheKey: a head in the bucket older than the
// log's for a stream last appended to before the position keyHeads
// records is a problem; an older one for a stream appended to after it is
// not, as long as it is one the stream had.
func TestVerifyChecksHeadsUpToTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: 1})
	require.NoError(t, err)
	for _, stream := range []string{"a", "a", "b", "b", "c"} { // a at 1, 2; b at 3, 4
		_, err := s.Append(context.Background(), stream, eventstore.Any, headsEvent())
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	_, complete, _ := bucketState(t, path)
	require.Equal(t, uint64(4), complete)
	set := func(stream string, h streamHeadAt, complete uint64) {
		db, err := bbolt.Open(path, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
			if err := tx.Bucket(bucketHeads).Put([]byte(stream), encodeHead(h)); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keyHeads, u64(complete))
		}))
		require.NoError(t, db.Close())
	}

	set("b", streamHeadAt{1, 3}, 4)
	rep, err := Verify(path, 0)
	require.NoError(t, err)
	assert.Len(t, rep.Problems, 1, "b's head is behind the log at the position the bucket is complete up to")

	set("b", streamHeadAt{1, 3}, 3)
	rep, err = Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems, "b was appended to after position 3")

	set("b", streamHeadAt{1, 2}, 3)
	rep, err = Verify(path, 0)
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Problems, "position 2 is not an event of b")

	// A key of the wrong size is damage: Open refuses the file rather
	// than take the bucket as complete.
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyHeads, []byte{1, 2, 3})
	}))
	require.NoError(t, db.Close())
	_, err = Open(path, Options{})
	assert.ErrorIs(t, err, ErrDamaged)
	rep, err = Verify(path, 0)
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Problems, "a key of 3 bytes")
}

// TestCloseWritesABulkLoadsHeads: a store that kept more heads in memory
// than the default (a bulk load) writes them all to the heads bucket at
// Close, so the next Open has none to read back from the log.
func TestCloseWritesABulkLoadsHeads(t *testing.T) {
	const total = headsFlushAt + 1000
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentHeads: 4 * headsFlushAt})
	require.NoError(t, err)
	appends := make([]eventstore.StreamAppend, total)
	for i := range appends {
		appends[i] = eventstore.StreamAppend{Stream: fmt.Sprintf("bulk-%d", i), Expected: eventstore.NoStream,
			Events: []eventstore.EventData{headsEvent()}}
	}
	_, err = s.AppendBatch(context.Background(), appends)
	require.NoError(t, err)
	require.Len(t, s.heads.order, total, "no head written to the bucket before Close")
	require.NoError(t, s.Close())

	inBucket, complete, marked := bucketState(t, path)
	assert.True(t, marked)
	assert.Equal(t, uint64(total), complete)
	assert.Len(t, inBucket, total)
	assert.Equal(t, streamHeadAt{1, total}, inBucket[fmt.Sprintf("bulk-%d", total-1)])

	s, err = Open(path, Options{})
	require.NoError(t, err)
	defer s.Close()
	assert.Empty(t, s.heads.order, "heads read back from the log at Open")
	assertHeads(t, s, map[string]streamHeadAt{"bulk-0": {1, 1}, fmt.Sprintf("bulk-%d", total-1): {1, total}})
}
