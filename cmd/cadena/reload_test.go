package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// headAt is a source whose head is at cut while its subscription goes on
// to the end of the log: a catch-up to cut, then the rest as live events.
type headAt struct {
	projections.Source
	cut uint64
	// failFrom, when not 0, makes the Head calls from that one on fail.
	failFrom int32
	calls    atomic.Int32
}

var errHeadGone = errors.New("the head cannot be read")

func (h *headAt) Head(ctx context.Context) (uint64, error) {
	if n := h.calls.Add(1); h.failFrom > 0 && n >= h.failFrom {
		return 0, errHeadGone
	}
	head, err := h.Source.Head(ctx)
	return min(head, h.cut), err
}

// runReloading runs read models on src, with snapshots at path that are
// loaded back after a replay of the whole log, until they applied the
// event at last, then stops them; it returns them and their log.
func runReloading(t *testing.T, src projections.Source, policy domain.Policy, path string, last uint64) (*readModels, string) {
	t.Helper()
	var log bytes.Buffer
	rm := newReadModels(src, slog.New(slog.NewTextHandler(&log, nil)), policy)
	require.NoError(t, rm.runner.EnableSnapshots(projections.SnapshotConfig{Path: path, Fingerprint: "test", Every: 1 << 40, ReloadAfter: 1}))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- rm.runner.Run(ctx) }()
	require.NoError(t, rm.runner.WaitCaughtUp(ctx))
	require.NoError(t, rm.runner.WaitFor(ctx, last))
	cancel()
	require.NoError(t, <-done)
	return rm, log.String()
}

// TestReloadAfterReplayEqualsReplay replays the log to a cut, where the
// runner writes its snapshot, drops the read models' state and loads it
// back, then applies the rest of the log live: every query answers as
// after a plain full rebuild, and the snapshot the reloaded models write
// when they stop is the same, byte for byte, as the rebuilt models'.
func TestReloadAfterReplayEqualsReplay(t *testing.T) {
	s, sum := testLog(t, 6000, 11)
	policy := testPolicy(t)
	head, err := s.Head(t.Context())
	require.NoError(t, err)
	fullPath := filepath.Join(t.TempDir(), snapshotFileName)
	full, _ := startModels(t, s, policy, fullPath, "test")
	want, err := os.ReadFile(fullPath)
	require.NoError(t, err)
	for _, cut := range []uint64{head / 3, head - 1, head} {
		path := filepath.Join(t.TempDir(), snapshotFileName)
		reloaded, log := runReloading(t, &headAt{Source: s, cut: cut}, policy, path, head)
		require.Contains(t, log, projections.ReloadedAfterReplay, "cut %d", cut)
		assertSameModels(t, full, reloaded, cut, checkedDepartments(sum))
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		if cut < head { // written as they stopped, at the head
			assert.True(t, bytes.Equal(want, got), "cut %d: the snapshot of the reloaded read models differs from the rebuilt ones'", cut)
		}
	}
}

// TestReloadAfterReplayFallsBack checks the two ways a reload can fail:
// a snapshot that cannot be written leaves the replayed state in place,
// and one that cannot be loaded back, once the state was dropped, makes
// the runner replay the whole log again, and is removed instead of
// committed; the queries answer as after a full rebuild either way.
func TestReloadAfterReplayFallsBack(t *testing.T) {
	s, sum := testLog(t, 3000, 12)
	policy := testPolicy(t)
	head, err := s.Head(t.Context())
	require.NoError(t, err)
	full, _ := startModels(t, s, policy, "", "")

	unwritable := filepath.Join(t.TempDir(), "missing", snapshotFileName)
	kept, log := runReloading(t, &headAt{Source: s, cut: head}, policy, unwritable, head)
	assert.Contains(t, log, "not written after the replay: the replayed state is kept")
	assert.NotContains(t, log, projections.ReloadedAfterReplay)
	assertSameModels(t, full, kept, head, checkedDepartments(sum))

	// Run reads the head once; the reload's check of the log reads it again.
	path := filepath.Join(t.TempDir(), snapshotFileName)
	again, log := runReloading(t, &headAt{Source: s, cut: head, failFrom: 2}, policy, path, head)
	assert.Contains(t, log, "not loaded back after the replay: replaying the whole log again; it is removed")
	assert.Contains(t, log, errHeadGone.Error())
	assert.NotContains(t, log, projections.ReloadedAfterReplay)
	assert.Equal(t, 1, strings.Count(log, "snapshot of the read models written"),
		"the snapshot not loaded back is not committed, only the one written as the read models stopped: %s", log)
	assertSameModels(t, full, again, head, checkedDepartments(sum))
}
