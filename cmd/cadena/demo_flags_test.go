package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemoRefusesANegativeLiveEvery checks that a negative --live-every is
// refused on one line before the demo seeds anything, instead of being
// taken as "never".
func TestDemoRefusesANegativeLiveEvery(t *testing.T) {
	demoDir := t.TempDir()
	runCLICases(t, []cliCase{
		{"demo --live-every -1s", []string{"demo", "--data", demoDir, "--addr", "127.0.0.1:0", "--live-every", "-1s"}, 1, "",
			"cadena: demo: --live-every -1s: want 0 (never) or more"},
	})
	entries, err := os.ReadDir(demoDir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the refused demos made files")
}

// TestBadServeFlagsChangeNothing checks that serve and demo refuse a bad
// flag value on one line before they make a data directory, open or make
// a store, seed the demo or write its tokens file, and that the demo
// prints nothing on standard output first.
func TestBadServeFlagsChangeNothing(t *testing.T) {
	bad := []struct {
		flags []string
		line  string
	}{
		{[]string{"--timezone", "Mars/Olympus"}, `cadena: --timezone "Mars/Olympus": unknown time zone Mars/Olympus`},
		{[]string{"--anonymity-min", "0"}, "cadena: --anonymity-min 0: want at least 1 rating"},
		{[]string{"--log-level", "loud"}, `cadena: --log-level "loud": want debug, info, warn or error`},
		{[]string{"--gc-percent", "-5"}, `cadena: --gc-percent "-5": want a whole number above 0, or off`},
		{[]string{"--memory-limit", "4XB"}, `cadena: --memory-limit "4XB": want a size such as 4GiB, 512MiB or a number of bytes`},
		{[]string{"--rate-limit", "-1"}, "cadena: --rate-limit -1: want 0 (no limit) or more requests a second"},
		{[]string{"--metrics-token-file", filepath.Join(t.TempDir(), "missing")}, ""},
		{[]string{"--addr", "nope"}, `cadena: --addr "nope": want HOST:PORT (port 0 picks a free one): address nope: missing port in address`},
		{[]string{"--addr", "127.0.0.1:99999"}, ""},
		{[]string{"--store", "mysql://db"}, `cadena: --store "mysql://db": want a connection string starting with esdb://, esdb+discover://, kurrentdb://, postgres:// or postgresql://`},
	}
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(tokens, []byte(`{"tokens":[]}`), 0o600))
	bad = append(bad, struct {
		flags []string
		line  string
	}{[]string{"--snapshot-dir", tokens}, "cadena: --snapshot-dir " + tokens + " is not a directory"})
	for _, b := range bad {
		for _, cmd := range []string{"serve", "demo"} {
			t.Run(cmd+" "+strings.Join(b.flags, " "), func(t *testing.T) {
				data := filepath.Join(t.TempDir(), "data")
				args := []string{cmd, "--data", data}
				if cmd == "serve" {
					args = append(args, "--tokens", tokens)
					if b.flags[0] == "--store" { // serve takes one of the two
						args = []string{cmd, "--tokens", tokens}
					}
				}
				args = append(args, "--addr", "127.0.0.1:0")
				args = append(args, b.flags...)
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), args, &stdout, &stderr)
				assert.Equal(t, 1, code, "exit code; stderr: %s", stderr.String())
				if b.line != "" {
					assert.Equal(t, b.line+"\n", stderr.String(), "stderr, want the one line")
				} else {
					assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "stderr, want one line: %s", stderr.String())
				}
				assert.Empty(t, stdout.String(), "stdout")
				assert.NoDirExists(t, data, "the refused command made the data directory")
			})
		}
	}
}

// TestServeNamesABadTokensFile checks that a tokens file that is not of the
// form is refused on one line naming the file and the form, before the
// store is made.
func TestServeNamesABadTokensFile(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(tokens, []byte("[]\n"), 0o600))
	data := filepath.Join(t.TempDir(), "data")
	runCLICases(t, []cliCase{
		{"an array", []string{"serve", "--data", data, "--tokens", tokens, "--addr", "127.0.0.1:0"}, 1, "",
			"cadena: --tokens " + tokens + `: invalid tokens file: the file is a JSON array; want {"tokens": [{"name": ..., "sha256": ..., "role": ..., "department": ...}, ...]}`},
	})
	assert.NoDirExists(t, data)
}

// TestDemoTokensInAMissingDirectory checks that a --tokens path whose
// directory does not exist, or a --tokens file that exists, is refused
// before the demo makes its data directory or seeds its store.
func TestDemoTokensInAMissingDirectory(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	tokens := filepath.Join(t.TempDir(), "missing", "tokens.json")
	existing := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(existing, []byte("{}\n"), 0o600))
	runCLICases(t, []cliCase{
		{"missing directory", []string{"demo", "--data", data, "--tokens", tokens, "--addr", "127.0.0.1:0", "--live-every", "0"}, 1, "",
			"cadena: demo: --tokens " + tokens + ": its directory " + filepath.Dir(tokens) + " does not exist"},
		{"existing file", []string{"demo", "--data", data, "--tokens", existing, "--addr", "127.0.0.1:0", "--live-every", "0"}, 1, "",
			"cadena: demo: --tokens " + existing + " exists; the demo writes fresh tokens, so give a new path or leave --tokens out"},
	})
	assert.NoDirExists(t, data, "the refused demo made the data directory")
}
