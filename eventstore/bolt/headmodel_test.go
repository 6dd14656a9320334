package bolt_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// headModel is what the stream heads must be: version and position of the
// last event of each stream.
type headModel map[string][2]uint64

// TestHeadsAgainstAModel runs seeded random appends, batches, wrong
// expected versions, failed writes, failed syncs of the meta page, copies
// of the file (the state a kill -9 after a commit leaves) and reopenings
// against a store that flushes its stream heads every few appends (to
// streams appended to again, new ones at random keys and new ones in key
// order, so that the sweep wraps around the key space), and
// checks after each step that every read path and every expected-version
// check sees the heads the model holds, and that the files verify.
func TestHeadsAgainstAModel(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runHeadModel(t, seed) })
	}
}

func runHeadModel(t *testing.T, seed uint64) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "events.db")
	var mode atomic.Int32
	opts := bolt.Options{RecentHeads: 4, CommitHook: faultHook(&mode)}
	s, err := bolt.Open(path, opts)
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	rng := rand.New(rand.NewPCG(seed, 7))
	model := headModel{}
	var head uint64
	// Streams appended to again (some of whose heads were written to the
	// bucket meanwhile), new ones named at random over the key space, and
	// new ones in key order, as eventstore.NewID gives them.
	names := make([]string, 0, 12)
	for i := range 12 {
		names = append(names, fmt.Sprintf("s-%d", i))
	}
	seq := 0
	stream := func() string {
		var name string
		switch r := rng.IntN(4); {
		case r < 2:
			return names[rng.IntN(len(names))]
		case r == 2:
			name = fmt.Sprintf("r-%016x", rng.Uint64())
		default:
			seq++
			name = fmt.Sprintf("q-%08d", seq)
		}
		names = append(names, name)
		return name
	}
	appendOne := func(name string, n int) {
		evs := make([]eventstore.EventData, n)
		for i := range evs {
			evs[i] = event(`{}`)
		}
		want := model[name]
		fault := commitOK
		if rng.IntN(8) == 0 {
			fault = failWrite + rng.Int32N(2)
		}
		mode.Store(fault)
		res, err := s.Append(ctx, name, eventstore.Exact(want[0]), evs...)
		mode.Store(commitOK)
		switch fault {
		case commitOK:
			require.NoError(t, err, "append %d to %q at version %d", n, name, want[0])
			head += uint64(n)
			assert.Equal(t, eventstore.AppendResult{Version: want[0] + uint64(n), Position: head}, res)
		case failWrite:
			require.ErrorIs(t, err, eventstore.ErrUnavailable)
		case failSyncOfMeta: // in the file all the same
			require.ErrorIs(t, err, eventstore.ErrUnavailable)
			head += uint64(n)
		}
		if fault != failWrite {
			model[name] = [2]uint64{want[0] + uint64(n), head}
		}
	}
	for step := range 300 {
		switch op := rng.IntN(20); {
		case op < 12:
			appendOne(stream(), 1+rng.IntN(3))
		case op < 14:
			name := stream()
			_, err := s.Append(ctx, name, eventstore.Exact(model[name][0]+1), event(`{}`))
			require.ErrorIs(t, err, eventstore.ErrWrongVersion, "step %d", step)
		case op < 16:
			first := rng.IntN(12)
			var appends []eventstore.StreamAppend
			for i := range 1 + rng.IntN(4) {
				name := fmt.Sprintf("s-%d", (first+i)%12)
				appends = append(appends, eventstore.StreamAppend{Stream: name, Expected: eventstore.Exact(model[name][0]), Events: []eventstore.EventData{event(`{}`)}})
			}
			res, err := s.AppendBatch(ctx, appends)
			require.NoError(t, err)
			for i, a := range appends {
				require.NoError(t, res[i].Err, "step %d: batch append to %q", step, a.Stream)
				head++
				model[a.Stream] = [2]uint64{model[a.Stream][0] + 1, head}
				assert.Equal(t, model[a.Stream], [2]uint64{res[i].Version, res[i].Position})
			}
		case op < 18:
			// A copy of the file as of the last commit: what kill -9
			// right after it leaves.
			var buf bytes.Buffer
			_, err := s.Backup(ctx, &buf, nil)
			require.NoError(t, err)
			copyPath := filepath.Join(dir, fmt.Sprintf("copy-%d.db", step))
			require.NoError(t, os.WriteFile(copyPath, buf.Bytes(), 0o600))
			checkVerifies(t, copyPath)
			c, err := bolt.Open(copyPath, bolt.Options{RecentHeads: 4})
			require.NoError(t, err)
			checkHeads(t, c, model, fmt.Sprintf("step %d, copy", step))
			// The copy takes appends from the heads it read back.
			name := stream()
			_, err = c.Append(ctx, name, eventstore.Exact(model[name][0]), event(`{}`))
			assert.NoError(t, err, "step %d: append to the copy's %q", step, name)
			require.NoError(t, c.Close())
			checkVerifies(t, copyPath)
		default:
			require.NoError(t, s.Close())
			checkVerifies(t, path)
			s, err = bolt.Open(path, opts)
			require.NoError(t, err)
		}
		checkHeads(t, s, model, fmt.Sprintf("step %d", step))
		if t.Failed() {
			return
		}
	}
}

// checkHeads reads every stream of model from s with ReadStream and
// ReadStreams.
func checkHeads(t *testing.T, s *bolt.Store, model headModel, where string) {
	t.Helper()
	ctx := context.Background()
	var names []string
	for name, want := range model {
		names = append(names, name)
		var got [2]uint64
		for ev, err := range s.ReadStream(ctx, name, 0) {
			require.NoError(t, err, "%s: read %q", where, name)
			got = [2]uint64{ev.Version, ev.Position}
		}
		assert.Equal(t, want, got, "%s: ReadStream %q", where, name)
	}
	out, ok, err := s.ReadStreams(ctx, names, 1<<20)
	require.NoError(t, err, where)
	for i, name := range names {
		require.True(t, ok[i], "%s: ReadStreams %q", where, name)
		var got [2]uint64
		if n := len(out[i]); n > 0 {
			got = [2]uint64{out[i][n-1].Version, out[i][n-1].Position}
		}
		assert.Equal(t, model[name], got, "%s: ReadStreams %q", where, name)
	}
}

func checkVerifies(t *testing.T, path string) {
	t.Helper()
	rep, err := bolt.Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems, "verify %s", filepath.Base(path))
}

// TestReadersSeeHeadsAcrossFailedSyncs: writers each own their streams,
// read a stream's version and append at it while every fifth commit
// reaches the file and then reports a failed sync of the meta page (the
// append is in the file all the same) and heads move to the bucket at
// almost every commit. Every read after an answer, success or failure,
// sees the append, so no expected version read from the store conflicts.
func TestReadersSeeHeadsAcrossFailedSyncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	var commits atomic.Int64
	hook := func(commit func() error) error {
		if err := commit(); err != nil {
			return err
		}
		if commits.Add(1)%5 == 0 {
			return fmt.Errorf("fdatasync events.db: %w", syscall.EIO)
		}
		return nil
	}
	s, err := bolt.Open(path, bolt.Options{RecentHeads: 4, CommitHook: hook})
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	const writers, appends = 4, 120
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			versions := map[string]uint64{}
			for i := range appends {
				stream := fmt.Sprintf("w%d-%d", w, i%10)
				var got [2]uint64
				for ev, err := range s.ReadStream(ctx, stream, 0) {
					if !assert.NoError(t, err) {
						return
					}
					got = [2]uint64{ev.Version, ev.Position}
				}
				if !assert.Equal(t, versions[stream], got[0], "ReadStream %q", stream) {
					return
				}
				out, ok, err := s.ReadStreams(ctx, []string{stream}, 1<<20)
				if !assert.NoError(t, err) || !assert.True(t, ok[0]) || !assert.Len(t, out[0], int(got[0]), "ReadStreams %q", stream) {
					return
				}
				_, err = s.Append(ctx, stream, eventstore.Exact(got[0]), event(`{}`))
				if err != nil && !assert.ErrorIs(t, err, eventstore.ErrUnavailable, "append to %q at %d", stream, got[0]) {
					return
				}
				versions[stream]++
			}
		})
	}
	wg.Wait()
	require.NoError(t, s.Close())
	checkVerifies(t, path)
	s, err = bolt.Open(path, bolt.Options{})
	require.NoError(t, err)
	model := headModel{}
	for ev, err := range s.ReadAll(ctx, 0) {
		require.NoError(t, err)
		model[ev.StreamID] = [2]uint64{ev.Version, ev.Position}
	}
	assert.Len(t, model, writers*10)
	for _, h := range model {
		assert.Equal(t, uint64(appends/10), h[0])
	}
	checkHeads(t, s, model, "reopened")
}
