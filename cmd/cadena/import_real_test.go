package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// sharedLog returns the path of a real log kept in ../shared/data next to
// the project root, or skips the test.
func sharedLog(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the test's directory")
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", name)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("skipping: the real log %s is not in ../shared/data next to the project root", name)
	}
	return path
}

// renamedReceipt copies receipt.csv with the columns named as another
// system would name them, and semicolons between the fields.
func renamedReceipt(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(sharedLog(t, "receipt.csv"))
	require.NoError(t, err)
	header, rest, ok := bytes.Cut(data, []byte("\n"))
	require.True(t, ok)
	h := strings.NewReplacer("case:concept:name", "Case ID", "concept:name", "Activity", "org:group", "Resource Group",
		"time:timestamp", "Complete Timestamp").Replace(string(header))
	path := filepath.Join(t.TempDir(), "receipt-renamed.csv")
	require.NoError(t, os.WriteFile(path, append([]byte(h+"\n"), rest...), 0o600))
	return path
}

func runImportCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"import"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

var mappedReceipt = []string{"--format", "csv", "--case", "Case ID", "--activity", "Activity",
	"--time", "Complete Timestamp", "--group", "Resource Group"}

func TestImportRealLogsWithMappedColumns(t *testing.T) {
	path := renamedReceipt(t)
	data := filepath.Join(t.TempDir(), "data")
	args := append(append([]string{"--data", data}, mappedReceipt...), path)
	out, errOut, code := runImportCLI(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "read 8577 events of 1434 cases")
	assert.Contains(t, out, "10 departments, 43 pairs, 5215 hand-offs (225 returns)")
	assert.Contains(t, out, "issued 16105 commands")
	assert.Contains(t, out, "appended 16105 events")

	out, errOut, code = runImportCLI(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "0 new, 16095 imported before")
	assert.Contains(t, out, "appended 0 events")

	out, errOut, code = runImportCLI(t, "--dry-run", "--format", "xes", "--group", "workgroup", sharedLog(t, "helpdesk.xes.gz"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "read 21348 events of 4580 cases")
	assert.Contains(t, out, "supplier")
}

func TestImportIntoARunningServer(t *testing.T) {
	path := renamedReceipt(t)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	tokenFile := filepath.Join(dir, "admin.token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(toks.Admin+"\n"), 0o600))
	srv := startServer(t, e2eConfig(dir))

	// The server holds the embedded store: --data says so and points at
	// --server.
	_, errOut, code := runImportCLI(t, append(append([]string{"--data", dir}, mappedReceipt...), path)...)
	assert.Equal(t, 1, code)
	assert.Equal(t, "cadena: import: the data directory "+dir+
		" is in use by another cadena process, a running server most likely: import through it with --server URL --token-file FILE\n", errOut)

	args := append(append([]string{"--server", srv.base, "--token-file", tokenFile}, mappedReceipt...), path)
	out, errOut, code := runImportCLI(t, args...)
	require.Equal(t, 0, code, errOut)
	// 10 departments and 16,095 steps of hand-offs.
	assert.Contains(t, out, "issued 16105 commands")
	assert.Contains(t, out, "16105 new, 0 imported before")

	out, errOut, code = runImportCLI(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "0 new, 16095 imported before")

	_, errOut, code = runImportCLI(t, append(append([]string{"--server", srv.base, "--token-file", filepath.Join(dir, "tokens.json")}, mappedReceipt...), path)...)
	assert.Equal(t, 1, code)
	assert.Equal(t, "cadena: import: looking up department group-1: the server answered 401 Unauthorized: the bearer token is not known (0 commands done)\n", errOut)

	srv.stop(t)
	// The same file again, the other way: written directly into the store
	// the server wrote, it is recognised command by command.
	out, errOut, code = runImportCLI(t, append(append([]string{"--data", dir}, mappedReceipt...), path)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "appended 0 events")

	store, err := bolt.Open(filepath.Join(dir, "cadena.db"), bolt.Options{})
	require.NoError(t, err)
	defer store.Close()
	head, err := store.Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(16105), head, "one event per command, none doubled, whichever way it was imported")
}

func TestImportSkipBad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(path, []byte(`case:concept:name,concept:name,org:group,time:timestamp
c1,a,G,2011-10-11 09:00:00+02:00
c2,a,G,2011-10-11 09:00:00+02:00
c1,b,H,yesterday
c2,b,H,2011-10-11 10:00:00+02:00
c3,a,G
`), 0o600))
	data := filepath.Join(dir, "data")
	out, errOut, code := runImportCLI(t, "--data", data, "--format", "csv", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, `cadena: import: bad.csv: line 4 (case "c1"), column "time:timestamp": "yesterday" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`+"\n", errOut)
	_, err := os.Stat(data)
	assert.ErrorIs(t, err, fs.ErrNotExist, "nothing written, not even the store")

	out, errOut, code = runImportCLI(t, "--data", data, "--format", "csv", "--skip-bad", path)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "read 2 events of 1 cases")
	assert.Contains(t, out, "skipped 2 bad rows (2 cases):\n"+
		`  line 4 (case "c1"), column "time:timestamp": "yesterday" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`+"\n"+
		`  line 6 (case "c3"): 3 fields, the header has 4`+"\n")
	assert.Contains(t, out, "appended 5 events")
}
