package projections_test

import (
	"bytes"
	"log/slog"
	"path/filepath"
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
	log := newFakeLog()
	for i, id := range []string{"a", "b", "c"} {
		log.append(t, uint64(i+1), accepted(id))
	}
	var out bytes.Buffer
	r := projections.NewRunner(log, slog.New(slog.NewTextHandler(&out, nil)), handlers...)
	bind(r)
	require.NoError(t, r.EnableSnapshots(projections.SnapshotConfig{
		Path: filepath.Join(t.TempDir(), "snapshot"), Fingerprint: "test", ReloadAfter: 1}))
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
