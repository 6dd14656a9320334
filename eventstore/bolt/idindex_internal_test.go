package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"

	"github.com/cadena-project/cadena/eventstore"
)

// TestIDIndexFlushesTheOldestInSteps: past RecentIDs, commits write the
// oldest IDs to the ids bucket a step at a time, so the bucket holds
// exactly the IDs up to the position the meta bucket records, and the
// rest are read back from the log at Open.
func TestIDIndexFlushesTheOldestInSteps(t *testing.T) {
	const recent, total = 64, 300
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentIDs: recent})
	require.NoError(t, err)
	ctx := context.Background()
	var events []eventstore.EventData
	for len(events) < total {
		batch := make([]eventstore.EventData, 1+len(events)%5)
		for i := range batch {
			batch[i] = eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
		}
		_, err := s.Append(ctx, "x", eventstore.Any, batch...)
		require.NoError(t, err)
		events = append(events, batch...)
	}
	require.NoError(t, s.Close())

	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var indexed uint64
	inBucket := map[uint64]bool{}
	require.NoError(t, db.View(func(tx *bbolt.Tx) error {
		indexed = binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(keyIndexed))
		return tx.Bucket(bucketIDs).ForEach(func(k, v []byte) error {
			pos := binary.BigEndian.Uint64(v)
			assert.Equal(t, parseID(events[pos-1].ID), [16]byte(k), "ids bucket: position %d", pos)
			inBucket[pos] = true
			return nil
		})
	}))
	require.NoError(t, db.Close())
	assert.Len(t, inBucket, int(indexed), "the bucket holds the IDs up to the indexed position, no more")
	for pos := uint64(1); pos <= indexed; pos++ {
		assert.True(t, inBucket[pos], "ID of position %d in the bucket", pos)
	}
	assert.GreaterOrEqual(t, len(events)-int(indexed), recent-recent/32, "IDs left in memory")
	assert.Less(t, len(events)-int(indexed), recent+5, "IDs left in memory")

	// Every ID is found again, from the bucket or from the log's tail.
	s, err = Open(path, Options{RecentIDs: recent})
	require.NoError(t, err)
	defer s.Close()
	for _, pos := range []uint64{1, indexed, indexed + 1, total} {
		e := events[pos-1]
		_, err := s.Append(ctx, "y", eventstore.Any, e)
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "the ID of position %d in another stream", pos)
	}
}

// TestCloseWritesABulkLoadsIDs: a store that kept more IDs in memory than
// the default (a bulk load) writes them all to the ids bucket at Close, so
// the next Open has none to read back from the log, and every one is
// found again.
func TestCloseWritesABulkLoadsIDs(t *testing.T) {
	const total = idsFlushAt + 1000
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentIDs: 4 * idsFlushAt})
	require.NoError(t, err)
	ctx := context.Background()
	events := make([]eventstore.EventData, total)
	appends := make([]eventstore.StreamAppend, 0, total/8)
	for i := range events {
		events[i] = eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
		if i%8 == 7 {
			appends = append(appends, eventstore.StreamAppend{Stream: "x", Expected: eventstore.Any, Events: events[i-7 : i+1]})
		}
	}
	_, err = s.AppendBatch(ctx, appends)
	require.NoError(t, err)
	require.Equal(t, total, len(s.ids.order), "no ID written to the bucket before Close")
	require.NoError(t, s.Close())

	s, err = Open(path, Options{})
	require.NoError(t, err)
	defer s.Close()
	assert.Empty(t, s.ids.order, "IDs read back from the log at Open")
	for _, pos := range []uint64{1, total / 2, total} {
		_, err := s.Append(ctx, "y", eventstore.Any, events[pos-1])
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "the ID of position %d in another stream", pos)
	}
}

// TestIDsFlushSetsTheStep: with Options.IDsFlush, a flush writes that many
// of the oldest IDs at once, leaving RecentIDs-IDsFlush or more in memory,
// and every ID is found again after Open.
func TestIDsFlushSetsTheStep(t *testing.T) {
	const recent, step, total = 64, 32, 300
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentIDs: recent, IDsFlush: step})
	require.NoError(t, err)
	assert.Equal(t, step, s.ids.flushStep())
	ctx := context.Background()
	var events []eventstore.EventData
	for len(events) < total {
		e := eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{}`)}
		_, err := s.Append(ctx, "x", eventstore.Any, e)
		require.NoError(t, err)
		events = append(events, e)
	}
	require.NoError(t, s.Close())

	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var indexed uint64
	var inBucket int
	require.NoError(t, db.View(func(tx *bbolt.Tx) error {
		indexed = binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(keyIndexed))
		inBucket = tx.Bucket(bucketIDs).Stats().KeyN
		return nil
	}))
	require.NoError(t, db.Close())
	assert.Equal(t, int(indexed), inBucket, "the bucket holds the IDs up to the indexed position")
	assert.GreaterOrEqual(t, total-int(indexed), recent-step, "IDs left in memory")
	assert.Less(t, total-int(indexed), recent, "IDs left in memory")

	s, err = Open(path, Options{RecentIDs: recent, IDsFlush: step})
	require.NoError(t, err)
	defer s.Close()
	for _, pos := range []uint64{1, indexed, indexed + 1, total} {
		_, err := s.Append(ctx, "y", eventstore.Any, events[pos-1])
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "the ID of position %d in another stream", pos)
	}
}

// TestIDsFlushIsCappedByRecentIDs: a step larger than RecentIDs writes
// every recent ID at once, never more than there are.
func TestIDsFlushIsCappedByRecentIDs(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "events.db"), Options{RecentIDs: 64, IDsFlush: 1000})
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, 64, s.ids.flushStep())
}

// TestIDIndexFindsTheGreatestIDInTheBucket: a new ID above every stored
// one skips the look-ups, so the bound must cover the IDs already in the
// bucket, not only those in memory: with IDs appended in descending order,
// the greatest ones are flushed to the bucket, and after Open an append
// reusing one is still refused, or answered as a retry.
func TestIDIndexFindsTheGreatestIDInTheBucket(t *testing.T) {
	const recent, total = 64, 300
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path, Options{RecentIDs: recent})
	require.NoError(t, err)
	ctx := context.Background()
	id := func(n int) string { // descending with n
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(1<<40-n))
		b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
		return eventstore.FormatUUID(b)
	}
	event := func(n int) eventstore.EventData {
		return eventstore.EventData{ID: id(n), Type: "t.v1", Data: []byte(`{}`)}
	}
	var first eventstore.AppendResult
	for n := range total {
		res, err := s.Append(ctx, "x", eventstore.Any, event(n))
		require.NoError(t, err)
		if n == 0 {
			first = res
		}
	}
	require.NoError(t, s.Close())

	s, err = Open(path, Options{RecentIDs: recent})
	require.NoError(t, err)
	defer s.Close()
	_, inMemory := s.ids.inMemory(parseID(id(0)))
	require.False(t, inMemory, "the greatest ID is in the bucket only")
	_, err = s.Append(ctx, "y", eventstore.Any, event(0))
	assert.ErrorIs(t, err, eventstore.ErrDuplicateID)
	res, err := s.Append(ctx, "x", eventstore.Any, event(0))
	require.NoError(t, err)
	assert.Equal(t, first, res, "a retry of the first append")
}

// TestFlushFillsPagesAtTheRightEdge: a flush whose keys all go after the
// bucket's last one (time-ordered IDs) fills whole pages; one whose keys
// land among stored ones (random IDs) keeps bbolt's half-full split.
func TestFlushFillsPagesAtTheRightEdge(t *testing.T) {
	leafFill := func(t *testing.T, newID func() string) float64 {
		path := filepath.Join(t.TempDir(), "events.db")
		s, err := Open(path, Options{RecentIDs: 256, IDsFlush: 256})
		require.NoError(t, err)
		for range 40 {
			batch := make([]eventstore.EventData, 100)
			for i := range batch {
				batch[i] = eventstore.EventData{ID: newID(), Type: "t.v1", Data: []byte(`{}`)}
			}
			_, err := s.Append(context.Background(), "x", eventstore.Any, batch...)
			require.NoError(t, err)
		}
		var st bbolt.BucketStats
		require.NoError(t, s.db.View(func(tx *bbolt.Tx) error {
			st = tx.Bucket(bucketIDs).Stats()
			return nil
		}))
		pageSize := s.db.Info().PageSize
		require.NoError(t, s.Close())
		require.Greater(t, st.LeafPageN, 10, "enough IDs flushed to fill pages")
		return float64(st.LeafInuse) / float64(st.LeafPageN*pageSize)
	}
	ordered := leafFill(t, eventstore.NewID)
	random := leafFill(t, func() string {
		var id [16]byte
		binary.BigEndian.PutUint64(id[:], mrand.Uint64())
		binary.BigEndian.PutUint64(id[8:], mrand.Uint64())
		id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
		return eventstore.FormatUUID(id)
	})
	assert.Greater(t, ordered, 0.9, "time-ordered IDs fill their pages")
	assert.Less(t, random, 0.8, "random IDs keep room in theirs")
}

// TestIDIndexMixesOrderedAndRandomIDs holds the index to a model of every
// ID committed: time-ordered IDs (kept in a sorted list) and random ones
// (kept in a map) appended in turn, with flushes every few commits and
// some commits that fail in the first half (their IDs must be forgotten),
// then the same after Open. A committed ID appended again to another
// stream is refused as a duplicate, one appended again to its own stream
// is a retry, and an ID whose commit failed is new.
func TestIDIndexMixesOrderedAndRandomIDs(t *testing.T) {
	const recent, step = 64, 16
	path := filepath.Join(t.TempDir(), "events.db")
	rng := mrand.New(mrand.NewPCG(14, 2))
	var failNext bool
	opts := Options{RecentIDs: recent, IDsFlush: step, CommitHook: func(commit func() error) error {
		if failNext {
			return errors.New("injected write failure")
		}
		return commit()
	}}
	s, err := Open(path, opts)
	require.NoError(t, err)
	ctx := context.Background()
	type stored struct {
		stream string
		res    eventstore.AppendResult
	}
	committed := map[string]stored{}
	var ids, failed []string
	event := func(id string) eventstore.EventData {
		return eventstore.EventData{ID: id, Type: "t.v1", Data: []byte(`{}`)}
	}
	for n := range 400 {
		id := eventstore.NewID()
		if n%3 == 0 {
			var b [16]byte
			binary.BigEndian.PutUint64(b[:8], rng.Uint64())
			binary.BigEndian.PutUint64(b[8:], rng.Uint64())
			b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
			id = eventstore.FormatUUID(b)
		}
		stream := fmt.Sprintf("s-%d", n%5)
		failNext = n < 200 && n%17 == 5 // the second half flushes without the reloads a failure makes
		res, err := s.Append(ctx, stream, eventstore.Any, event(id))
		if failNext {
			require.ErrorIs(t, err, eventstore.ErrUnavailable)
			failed = append(failed, id)
			continue
		}
		require.NoError(t, err)
		committed[id] = stored{stream, res}
		ids = append(ids, id)
	}
	failNext = false
	check := func(s *Store) {
		t.Helper()
		for i, id := range ids { // neither a refusal nor a retry writes
			_, err := s.Append(ctx, "elsewhere", eventstore.Any, event(id))
			assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "ID %d", i)
			res, err := s.Append(ctx, committed[id].stream, eventstore.Any, event(id))
			require.NoError(t, err)
			assert.Equal(t, committed[id].res, res, "ID %d is answered as a retry", i)
		}
	}
	check(s)
	for _, id := range failed[:2] {
		_, err := s.Append(ctx, "after-failure", eventstore.Any, event(id))
		require.NoError(t, err, "an ID whose commit failed is new")
		ids = append(ids, id)
	}
	require.NoError(t, s.Close())
	s, err = Open(path, opts)
	require.NoError(t, err)
	defer s.Close()
	for _, id := range ids {
		_, err := s.Append(ctx, "elsewhere-again", eventstore.Any, event(id))
		assert.ErrorIs(t, err, eventstore.ErrDuplicateID, "ID %s after Open", id)
	}
}
