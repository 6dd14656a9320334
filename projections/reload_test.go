package projections_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections"
)

// counter is a Snapshotter that counts the events applied to it.
type counter struct {
	mu sync.Mutex
	n  uint64
}

func (c *counter) Apply(projections.Envelope) { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *counter) SnapshotName() string       { return "counter/1" }
func (c *counter) SaveSnapshot(e *projections.Encoder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.Uint(c.n)
}

func (c *counter) LoadSnapshot(d *projections.Decoder, _ uint64) func() {
	n := d.Uint()
	return func() { c.mu.Lock(); c.n = n; c.mu.Unlock() }
}

func (c *counter) count() uint64 { c.mu.Lock(); defer c.mu.Unlock(); return c.n }

// resettable is a counter that can drop its state, and records the
// runner's position each time it does.
type resettable struct {
	counter
	runner *projections.Runner
	at     []uint64
}

func (r *resettable) ResetState() {
	r.at = append(r.at, r.runner.Position())
	r.mu.Lock()
	r.n = 0
	r.mu.Unlock()
}

// runReplay runs a runner with handlers over a three-event log, with
// snapshots loaded back after a replay, until it caught up; it returns the
// runner's log.
func runReplay(t *testing.T, bind func(*projections.Runner), handlers ...projections.Handler) string {
	t.Helper()
	return runReplayAt(t, filepath.Join(t.TempDir(), "snapshot"), bind, handlers...)
}

// newFakeLogOf returns the three-event log of runReplay.
func newFakeLogOf(t *testing.T) *fakeLog {
	t.Helper()
	log := newFakeLog()
	for i, id := range []string{"a", "b", "c"} {
		log.append(t, uint64(i+1), accepted(id))
	}
	return log
}

// runReplayAt is runReplay with its snapshot at path.
func runReplayAt(t *testing.T, path string, bind func(*projections.Runner), handlers ...projections.Handler) string {
	t.Helper()
	log := newFakeLogOf(t)
	var out bytes.Buffer
	r := projections.NewRunner(log, slog.New(slog.NewTextHandler(&out, nil)), handlers...)
	bind(r)
	require.NoError(t, r.EnableSnapshots(projections.SnapshotConfig{
		Path: path, Fingerprint: "test", ReloadAfter: 1}))
	stop := start(t, r)
	require.NoError(t, r.WaitCaughtUp(wait(t)))
	require.NoError(t, stop())
	assert.Equal(t, uint64(3), r.Position())
	return out.String()
}

// TestReloadHoldsWaitersBack: while the read models are emptied and loaded
// back after a replay, the runner's position is 0, so that a WaitFor (a
// query's min_position) waits for the loaded state instead of answering
// from the emptied one.
func TestReloadHoldsWaitersBack(t *testing.T) {
	m := &resettable{}
	log := runReplay(t, func(r *projections.Runner) { m.runner = r }, m)
	assert.Contains(t, log, projections.ReloadedAfterReplay)
	assert.Equal(t, []uint64{0}, m.at, "the position while the state was dropped")
	assert.Equal(t, uint64(3), m.count(), "the state loaded back")
}

// TestNoReloadWithoutResetter: a runner with a handler that cannot drop its
// state keeps the replayed state (were the load back to fail, the replay
// from the start would apply the log to that handler twice).
func TestNoReloadWithoutResetter(t *testing.T) {
	m, plain := &resettable{}, &counter{}
	log := runReplay(t, func(r *projections.Runner) { m.runner = r }, m, plain)
	assert.Contains(t, log, "one cannot drop its state")
	assert.NotContains(t, log, projections.ReloadedAfterReplay)
	assert.Empty(t, m.at, "nothing dropped")
	assert.Equal(t, uint64(3), m.count())
	assert.Equal(t, uint64(3), plain.count())
}

// undecodable is a resettable whose snapshot does not load back: the
// decoder fails on it.
type undecodable struct{ resettable }

var errUndecodable = errors.New("this state does not decode")

func (u *undecodable) LoadSnapshot(d *projections.Decoder, _ uint64) func() {
	d.Uint()
	d.Fail(errUndecodable)
	return func() {}
}

// TestReloadFailureRemovesTheSnapshot: when the snapshot a runner wrote
// after a replay does not load back, the runner replays the log again and
// removes that file instead of committing it, so that the next start does
// not try it (and fail and replay) again; the snapshot it commits is the
// one it writes as it stops, which loads.
func TestReloadFailureRemovesTheSnapshot(t *testing.T) {
	m := &undecodable{}
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot")
	out := runReplayAt(t, path, func(r *projections.Runner) { m.runner = r }, m)
	assert.Contains(t, out, "not loaded back after the replay: replaying the whole log again; it is removed")
	assert.Contains(t, out, errUndecodable.Error())
	assert.NotContains(t, out, projections.ReloadedAfterReplay)
	assert.Equal(t, uint64(3), m.count(), "the log replayed again, once")
	assert.Equal(t, 1, strings.Count(out, "snapshot of the read models written"),
		"only the snapshot written as the runner stopped is committed: %s", out)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left")
	assert.Equal(t, "snapshot", entries[0].Name())

	// The next start loads the snapshot the runner wrote as it stopped.
	next := &resettable{}
	r := projections.NewRunner(newFakeLogOf(t), slog.New(slog.DiscardHandler), next)
	next.runner = r
	require.NoError(t, r.EnableSnapshots(projections.SnapshotConfig{Path: path, Fingerprint: "test", ReloadAfter: 1}))
	stop := start(t, r)
	require.NoError(t, r.WaitCaughtUp(wait(t)))
	require.NoError(t, stop())
	assert.Empty(t, next.at, "loaded from the snapshot: no replay, no reload")
	assert.Equal(t, uint64(3), next.count())
}
