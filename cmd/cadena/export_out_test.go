package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestExportOutIsWrittenWhole checks that --out is written whole or not at
// all: a write that fails part-way (a full disk) leaves an existing file
// as it was and no half-written or temporary file, and an --out that is a
// directory, in a missing directory or the store's own file is refused on
// one line.
func TestExportOutIsWrittenWhole(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "history.om")
	require.NoError(t, os.WriteFile(out, []byte("# EOF\n"), 0o644))
	full := errors.New("no space left on device")
	err := writeFileWhole(out, func(w io.Writer) error {
		_, err := io.WriteString(w, "# HELP half of a family\n")
		require.NoError(t, err)
		return full
	})
	require.ErrorIs(t, err, full)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "# EOF\n", string(got), "the file before the failed export")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "files left beside --out: %v", entries)

	require.NoError(t, writeFileWhole(out, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }))
	got, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "new\n", string(got))
	fi, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

	data := t.TempDir()
	store, err := openBoltStore(data, bolt.Options{})
	require.NoError(t, err)
	require.NoError(t, store.Close())
	export := []string{"export", "openmetrics", "--data", data, "--from", "2026-01-01", "--to", "2026-01-02", "--out"}
	missing := filepath.Join(dir, "missing", "history.om")
	storeFile := filepath.Join(data, storeFileName)
	before, err := os.ReadFile(storeFile)
	require.NoError(t, err)
	for _, tc := range []struct{ out, line string }{
		{dir, "cadena: export: --out " + dir + " is a directory; give a file\n"},
		{storeFile, "cadena: export: --out " + storeFile + " is the store's own file; give another file\n"},
		{missing, "cadena: export: open " + missing + ": no such file or directory\n"},
	} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 1, run(context.Background(), append(export, tc.out), &stdout, &stderr), "exit code")
		assert.Equal(t, tc.line, stderr.String())
	}
	after, err := os.ReadFile(storeFile)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the store's file after the refused export")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), append(export, out), &stdout, &stderr), "exit code; stderr: %s", stderr.String())
	got, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.True(t, bytes.HasSuffix(got, []byte("# EOF\n")), "the export ends with # EOF: %q", got)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "files left beside --out: %v", entries)
}
