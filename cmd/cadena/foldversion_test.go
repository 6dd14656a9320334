package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/synth"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/projections"
)

var updateFold = flag.Bool("update", false, "record the digest of the read models' snapshot for a new projections.FoldVersion in testdata/foldversion.golden")

// foldGolden is the record of fold versions and the digest of the
// snapshot of the golden log under each: one line per version, oldest
// first, appended by -update only for a new version.
const foldGolden = "testdata/foldversion.golden"

// foldRecord is one line of foldGolden.
type foldRecord struct {
	version uint64
	digest  string
}

// readFoldRecords reads foldGolden: its versions ascend strictly, from 1.
func readFoldRecords(t *testing.T) []foldRecord {
	t.Helper()
	b, err := os.ReadFile(foldGolden)
	require.NoError(t, err)
	var out []foldRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		require.Len(t, fields, 2, "%s:%d: want a version and a digest", foldGolden, n)
		v, err := strconv.ParseUint(fields[0], 10, 64)
		require.NoError(t, err, "%s:%d", foldGolden, n)
		prev := uint64(0)
		if len(out) > 0 {
			prev = out[len(out)-1].version
		}
		require.Greater(t, v, prev, "%s:%d: versions ascend from 1, one line each", foldGolden, n)
		out = append(out, foldRecord{v, fields[1]})
	}
	return out
}

// goldenFoldDigest folds a fixed generated log through every read model
// the server runs, with the runner that feeds them, and returns the
// SHA-256 of the snapshot they write: their whole state, as a snapshot
// carries it from one binary to the next.
func goldenFoldDigest(t *testing.T) string {
	t.Helper()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := memory.New(memory.Options{Clock: func() time.Time {
		clock = clock.Add(time.Millisecond)
		return clock
	}})
	t.Cleanup(func() { s.Close() })
	_, err := synth.Write(t.Context(), s, synth.Options{Events: 5000, Seed: 14, Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	seen := map[string]int{}
	for rec, err := range s.ReadAll(t.Context(), 0) {
		require.NoError(t, err)
		seen[rec.Type]++
	}
	for _, typ := range []string{domain.TypeDepartmentRegistered, domain.TypeDepartmentRenamed, domain.TypeDepartmentRetired,
		domain.TypeAgreementSet, domain.TypeCalendarSet, domain.TypePairRecognised, domain.TypeHandoffRequested,
		domain.TypeHandoffAccepted, domain.TypeHandoffPaused, domain.TypeHandoffResumed, domain.TypeHandoffDelivered,
		domain.TypeHandoffReturned, domain.TypeHandoffEscalated, domain.TypeHandoffCancelled, domain.TypeHandoffRated} {
		require.Positive(t, seen[typ], "the golden log folds every kind of event: no %s", typ)
	}
	path := filepath.Join(t.TempDir(), snapshotFileName)
	_, log := startModels(t, s, testPolicy(t), path, "golden")
	require.Contains(t, log, "snapshot of the read models written")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// foldVerdict says what TestFoldVersion does with the digest of the golden
// log under fold version v, given the last version recorded: record it
// (with -update, for a new version only), or fail with the reason.
func foldVerdict(v uint64, last foldRecord, digest string, update bool) (record bool, err error) {
	const cmd = "go test ./cmd/cadena -run TestFoldVersion -update"
	switch {
	case v < last.version:
		return false, fmt.Errorf("projections.FoldVersion is %d, but %s already records version %d: versions only go up", v, foldGolden, last.version)
	case v == last.version && digest != last.digest:
		return false, fmt.Errorf("the read models' snapshot of the golden log changed (digest %s, recorded %s for fold version %d): "+
			"their fold or snapshot encoding changed, and a snapshot an older binary wrote must not be loaded by this one. "+
			"Bump projections.FoldVersion and run %s", digest, last.digest, last.version, cmd)
	case v > last.version && !update:
		return false, fmt.Errorf("projections.FoldVersion is %d, %s records up to %d: run %s", v, foldGolden, last.version, cmd)
	}
	return v > last.version, nil
}

// TestFoldVersion fails when the read models fold the golden log into
// another state (or encode it otherwise) than the one recorded for
// projections.FoldVersion: snapshots written by older binaries would then
// be loaded by this one as if they were its own. Bump FoldVersion, then
// run with -update to record the new digest; -update refuses to record a
// new digest under a version already recorded.
func TestFoldVersion(t *testing.T) {
	last := foldRecord{} // none recorded yet
	if records := readFoldRecords(t); len(records) > 0 {
		last = records[len(records)-1]
	}
	digest := goldenFoldDigest(t)
	require.Equal(t, digest, goldenFoldDigest(t), "the snapshot of the same log differs between two folds: its encoding is not deterministic (a map walked in its random order?)")
	record, err := foldVerdict(projections.FoldVersion, last, digest, *updateFold)
	require.NoError(t, err)
	if !record {
		return
	}
	f, err := os.OpenFile(foldGolden, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fmt.Fprintf(f, "%d %s\n", projections.FoldVersion, digest)
	require.NoError(t, f.Close())
	require.NoError(t, err)
	t.Logf("recorded fold version %d: %s", projections.FoldVersion, digest)
}

// TestFoldVerdict: a changed digest never passes under the version
// recorded, -update or not; -update records only a new version.
func TestFoldVerdict(t *testing.T) {
	last := foldRecord{3, "aaaa"}
	for _, c := range []struct {
		name    string
		version uint64
		digest  string
		update  bool
		record  bool
		fails   string
	}{
		{"unchanged", 3, "aaaa", false, false, ""},
		{"unchanged, -update", 3, "aaaa", true, false, ""},
		{"changed, not bumped", 3, "bbbb", false, false, "Bump projections.FoldVersion"},
		{"changed, not bumped, -update", 3, "bbbb", true, false, "Bump projections.FoldVersion"},
		{"bumped, not recorded", 4, "bbbb", false, false, "-update"},
		{"bumped, -update", 4, "bbbb", true, true, ""},
		{"bumped without a change, -update", 4, "aaaa", true, true, ""},
		{"went back", 2, "aaaa", true, false, "only go up"},
	} {
		t.Run(c.name, func(t *testing.T) {
			record, err := foldVerdict(c.version, last, c.digest, c.update)
			assert.Equal(t, c.record, record)
			if c.fails == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.fails)
			}
		})
	}
}
