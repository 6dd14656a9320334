package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestDataDirectoryInUse: serve, demo, import, verify and backup on a directory whose
// store another process holds say so on one line.
func TestDataDirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	held, err := bolt.Open(filepath.Join(dir, storeFileName), bolt.Options{})
	require.NoError(t, err)
	defer held.Close()
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	writeTokensFile(t, tokens)
	csv := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(csv, []byte("case:concept:name,concept:name,org:group,time:timestamp\n"+
		"c1,Register,Front Office,2011-10-11 09:00:00+02:00\nc1,Review,Back Office,2011-10-11 10:00:00+02:00\n"), 0o600))
	want := "the data directory " + dir + " is in use by another cadena process"
	for _, args := range [][]string{
		{"serve", "--data", dir, "--tokens", tokens, "--addr", "127.0.0.1:0"},
		{"import", "--data", dir, "--format", "receipt-csv", csv},
		{"verify", "--data", dir},
		{"demo", "--data", dir, "--addr", "127.0.0.1:0", "--live-every", "0"},
		{"backup", "--data", dir, filepath.Join(t.TempDir(), "backup.db")},
		{"export", "openmetrics", "--data", dir, "--from", "2026-01-01", "--to", "2026-01-02"},
	} {
		code, _, errOut := runCLI(args...)
		assert.Equal(t, 1, code, args[0])
		assert.Contains(t, errOut, want, args[0])
		assert.NotContains(t, errOut, "timeout", args[0])
		assert.NotContains(t, errOut, "waited", args[0])
		switch args[0] {
		case "serve", "demo":
			assert.Equal(t, "cadena: "+want+"\n", errOut, "the whole line")
		case "export":
			assert.Equal(t, "cadena: export: "+want+"; export a copy of it ('cadena backup --server URL --token-file F DIR/cadena.db', then --data DIR)\n", errOut, "the whole line")
		}
	}
}

// TestVerifyADirectory checks that verify given a directory as FILE says
// so, instead of calling it a damaged store file.
func TestVerifyADirectory(t *testing.T) {
	dir := t.TempDir()
	runCLICases(t, []cliCase{
		{"a directory", []string{"verify", dir}, 1, "",
			"cadena: verify: " + dir + " is a directory: give a store file (a cadena.db or a backup), or --data DIR"},
	})
}
