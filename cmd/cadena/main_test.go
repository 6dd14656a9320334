package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
)

func TestRun(t *testing.T) {
	tests := []cliCase{
		{"no command", nil, 2, "", ""},
		{"help", []string{"help"}, 0, "bench", ""},
		{"help bench", []string{"help", "bench"}, 0, "--writers", ""},
		{"unknown", []string{"nope"}, 2, "", `cadena: unknown command "nope" (run 'cadena help')`},
		{"bad flag", []string{"bench", "--bogus"}, 2, "", "cadena bench: flag provided but not defined: -bogus (run 'cadena help bench')"},
		{"bad flag value", []string{"bench", "--duration", "soon"}, 2, "", `cadena bench: invalid value "soon" for flag -duration: parse error (run 'cadena help bench')`},
		{"stray argument", []string{"bench", "extra"}, 2, "", `cadena bench: unexpected argument "extra" (run 'cadena help bench')`},
		{"serve bad flag", []string{"serve", "--bogus"}, 2, "", "cadena serve: flag provided but not defined: -bogus (run 'cadena help serve')"},
		{"serve without tokens", []string{"serve"}, 1, "", "cadena: serve: --tokens is required (create one with 'cadena token new')"},
		{"serve without data", []string{"serve", "--tokens", "t.json"}, 1, "", "cadena: serve: give --data DIR for the embedded store, or --store URL for a server (esdb://HOST:PORT or postgres://USER@HOST:PORT/DB)"},
		{"serve with two stores", []string{"serve", "--tokens", "t.json", "--data", t.TempDir(), "--store", "postgres://db/cadena"}, 1, "",
			"cadena: serve: give --data DIR or --store URL, not both (--snapshot-dir keeps the snapshots of a --store server)"},
		{"help serve", []string{"help", "serve"}, 0, "--tokens", ""},
		{"help token", []string{"help", "token"}, 0, "--role", ""},
		{"token without new", []string{"token"}, 2, "", "cadena token: the only subcommand is 'new': cadena token new --role R [--department D] (run 'cadena help token')"},
		{"token bad flag", []string{"token", "new", "--rol", "admin"}, 2, "", "cadena token: flag provided but not defined: -rol (run 'cadena help token')"},
		{"token bad role", []string{"token", "new", "--role", "boss"}, 1, "", `cadena: token new: boss: unknown role "boss" (admin, head or member)`},
		{"token bad department", []string{"token", "new", "--role", "member", "--department", "Customer Support"}, 1, "",
			`cadena: token new: member: a member needs a department slug, got "Customer Support"`},
		{"failure", []string{"bench", "--writers", "0"}, 1, "", `cadena: bench: --writers: "0" is not a number of writers from 1 to 4096`},
		{"bench", []string{"bench", "--data", t.TempDir(), "--only", "store", "--writers", "4", "--duration", "100ms", "--size", "50"}, 0, "append", ""},
	}
	runCLICases(t, tests)
}

func TestBenchStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"bench", "--data", t.TempDir(), "--only", "store"}, &stdout, &stderr)
	assert.Equal(t, 1, code, "exit code")
	assert.Contains(t, stderr.String(), "context canceled", "stderr, want a cancellation")
}

// TestTokenNew checks that "cadena token new" prints a token and a tokens
// file entry that authenticates it.
func TestTokenNew(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"token", "new", "--role", "member", "--department", "sales"}, &stdout, &stderr)
	require.Equal(t, 0, code, "exit code: %s", stderr.String())
	assert.Empty(t, stderr.String(), "stderr")
	var token string
	var entry auth.Entry
	for line := range strings.Lines(stdout.String()) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, auth.TokenPrefix):
			token = line
		case strings.HasPrefix(line, "{"):
			require.NoError(t, json.Unmarshal([]byte(line), &entry), "entry %q", line)
		}
	}
	require.NotEmpty(t, token, "no token in %q", stdout.String())
	require.NotEmpty(t, entry.SHA256, "no entry in %q", stdout.String())
	assert.Equal(t, auth.Entry{Name: "sales-member", SHA256: auth.Hash(token), Role: api.RoleMember, Department: "sales"}, entry,
		"the entry: its sha256 is the token's hash")
	toks, err := auth.New([]auth.Entry{entry})
	require.NoError(t, err)
	a, ok := toks.Lookup(token)
	require.True(t, ok, "the token does not authenticate")
	assert.Equal(t, "sales", a.Department, "the token authenticates as %+v", a)
	assert.Equal(t, api.RoleMember, a.Role, "the token authenticates as %+v", a)
}

func TestDemoNeverOverwritesATokensFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	const real = `{"tokens":[]}`
	require.NoError(t, os.WriteFile(path, []byte(real), 0o600))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo", "--data", t.TempDir(), "--tokens", path}, &stdout, &stderr)
	assert.Equal(t, 1, code, "exit code")
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "stderr %q: want one line", stderr.String())
	assert.Contains(t, stderr.String(), "exists", "stderr: want a line saying the file exists")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, real, string(b), "the tokens file changed")
}

// cliCase is one command line and what it must answer.
type cliCase struct {
	name       string
	args       []string
	code       int
	stdout     string // a substring, "" for no check
	stderrLine string // the whole of stderr, one line, "" for no check
}

// runCLICases runs each command line in turn, in order, as subtests.
func runCLICases(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, code, "exit code; stderr: %s", stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout, "stdout")
			if tt.stderrLine != "" {
				assert.Equal(t, tt.stderrLine+"\n", stderr.String(), "stderr, want the one line")
			}
		})
	}
}

// TestOneLine checks that an error of several lines is printed on one,
// each break and the indentation after it one space.
func TestOneLine(t *testing.T) {
	err := errors.New("failed to connect:\n\t127.0.0.1:1: refused\n\t[::1]:1: refused \r\nend")
	assert.Equal(t, "failed to connect: 127.0.0.1:1: refused [::1]:1: refused end", oneLine(err))
	assert.Equal(t, "a  b\tc", oneLine(errors.New("a  b\tc")), "blanks within a line are kept")
}
