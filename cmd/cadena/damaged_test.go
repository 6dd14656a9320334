package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// storeDir returns a data directory whose store holds n events.
func storeDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	s, err := bolt.Open(filepath.Join(dir, storeFileName), bolt.Options{})
	require.NoError(t, err)
	for i := range n {
		_, err := s.Append(context.Background(), fmt.Sprintf("s-%d", i%7), eventstore.Any,
			eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: []byte(`{"pad":"` + strings.Repeat("x", 200) + `"}`)})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	return dir
}

// runCLI runs a command line and returns its exit code, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestDamagedStoreFile: serve, demo and import refuse a truncated store file on
// one line naming it and pointing at verify, without changing it; verify
// reports what is wrong, and a sound file as sound.
func TestDamagedStoreFile(t *testing.T) {
	dir := storeDir(t, 2000)
	path := filepath.Join(dir, storeFileName)

	code, out, errOut := runCLI("verify", "--data", dir)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "sound: 2000 events in 7 streams")

	whole, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, whole[:len(whole)/2], 0o600))
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	writeTokensFile(t, tokens)
	csv := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(csv, []byte("case:concept:name,concept:name,org:group,time:timestamp\n"+
		"c1,Register,Front Office,2011-10-11 09:00:00+02:00\nc1,Review,Back Office,2011-10-11 10:00:00+02:00\n"), 0o600))
	for _, args := range [][]string{
		{"serve", "--data", dir, "--tokens", tokens, "--addr", "127.0.0.1:0"},
		{"import", "--data", dir, "--format", "receipt-csv", csv},
		{"demo", "--data", dir, "--addr", "127.0.0.1:0", "--live-every", "0"},
	} {
		code, _, errOut := runCLI(args...)
		assert.Equal(t, 1, code)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
		assert.Contains(t, errOut, path)
		assert.Contains(t, errOut, "truncated")
		assert.Contains(t, errOut, "cadena verify --data "+dir)
		assert.NotContains(t, errOut, "goroutine")
	}
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, whole[:len(whole)/2], after, "the file was changed")

	code, out, errOut = runCLI("verify", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "verify: ")
	assert.Contains(t, out+errOut, "truncated")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)

	code, _, errOut = runCLI("verify")
	assert.Equal(t, 2, code)
	assert.Equal(t, "cadena verify: give --data DIR or one FILE (run 'cadena help verify')\n", errOut)
}

// TestDemoInitTakesAnEmptyStoreFile: demo takes --init as serve and import
// do (the README says all three do, and demo's refusal of an empty file
// tells to give it): the empty cadena.db becomes the demo's new store.
func TestDemoInitTakesAnEmptyStoreFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, storeFileName)
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	// The demo seeds before it listens: an address it cannot listen on
	// ends it once the store is seeded.
	code, out, errOut := runCLI("demo", "--init", "--data", dir, "--addr", "256.0.0.1:0", "--live-every", "0")
	assert.Equal(t, 1, code, errOut)
	assert.NotContains(t, errOut, "flag provided but not defined")
	assert.Contains(t, out, "seeded 12 departments")
	code, out, _ = runCLI("verify", path)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "sound")
}

// TestEmptyStoreFile: an empty cadena.db is refused unless --init is given.
func TestEmptyStoreFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, storeFileName)
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	csv := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(csv, []byte("case:concept:name,concept:name,org:group,time:timestamp\n"+
		"c1,Register,Front Office,2011-10-11 09:00:00+02:00\nc1,Review,Back Office,2011-10-11 10:00:00+02:00\n"), 0o600))
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	writeTokensFile(t, tokens)
	code, _, errOut := runCLI("serve", "--data", dir, "--tokens", tokens, "--addr", "127.0.0.1:0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the file exists but is empty: refusing to take it as a new store (give --init to do so)")
	code, _, errOut = runCLI("demo", "--data", dir, "--addr", "127.0.0.1:0", "--live-every", "0")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the file exists but is empty: refusing to take it as a new store (give --init to do so)")
	code, _, errOut = runCLI("import", "--data", dir, "--format", "receipt-csv", csv)
	assert.Equal(t, 1, code)
	assert.Equal(t, "cadena: import: bolt: open "+path+": the file exists but is empty: refusing to take it as a new store (give --init to do so)\n", errOut)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "the file was changed")

	backup := filepath.Join(t.TempDir(), "copy.db")
	for _, args := range [][]string{{"verify", "--data", dir}, {"verify", path}, {"backup", "--data", dir, backup}} {
		code, out, errOut := runCLI(args...)
		assert.Equal(t, 1, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: one line: %s", args, errOut)
		assert.Contains(t, errOut, path+": the file exists but is empty", "%v", args)
		assert.Contains(t, errOut, "the file was left as it is", "%v", args)
		assert.NotContains(t, errOut, "--init", "%v", args)
		assert.NotContains(t, errOut, "bad file descriptor", "%v", args)
	}
	assert.NoFileExists(t, backup)
	assert.NoFileExists(t, backup+".partial")
	fi, err = os.Stat(path)
	require.NoError(t, err)
	assert.Zero(t, fi.Size(), "the file was changed")

	code, out, errOut := runCLI("import", "--init", "--data", dir, "--format", "receipt-csv", csv)
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "1 hand-offs")
	code, out, _ = runCLI("verify", path)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "sound")
}
