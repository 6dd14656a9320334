package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		{"bad flag value", []string{"bench", "--writers", "many"}, 2, "", `cadena bench: invalid value "many" for flag -writers: parse error (run 'cadena help bench')`},
		{"stray argument", []string{"bench", "extra"}, 2, "", `cadena bench: unexpected argument "extra" (run 'cadena help bench')`},
		{"serve bad flag", []string{"serve", "--bogus"}, 2, "", "cadena serve: flag provided but not defined: -bogus (run 'cadena help serve')"},
		{"serve without tokens", []string{"serve"}, 1, "", "cadena: serve: --tokens is required (create one with 'cadena token new')"},
		{"serve without data", []string{"serve", "--tokens", "t.json"}, 1, "", "cadena: serve: give --data DIR for the embedded store, or --store URL for a server (esdb://HOST:PORT or postgres://USER@HOST:PORT/DB)"},
		{"help serve", []string{"help", "serve"}, 0, "--tokens", ""},
		{"help token", []string{"help", "token"}, 0, "--role", ""},
		{"token without new", []string{"token"}, 2, "", "cadena token: the only subcommand is 'new': cadena token new --role R [--department D] (run 'cadena help token')"},
		{"token bad flag", []string{"token", "new", "--rol", "admin"}, 2, "", "cadena token: flag provided but not defined: -rol (run 'cadena help token')"},
		{"token bad role", []string{"token", "new", "--role", "boss"}, 1, "", `cadena: token new: boss: unknown role "boss" (admin, head or member)`},
		{"failure", []string{"bench", "--writers", "0"}, 1, "", "cadena: bench: --writers must be at least 1"},
		{"bench", []string{"bench", "--data", t.TempDir(), "--writers", "4", "--events", "200", "--size", "50"}, 0, "append", ""},
	}
	runCLICases(t, tests)
}

func TestBenchStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"bench", "--data", t.TempDir(), "--events", "100"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "context canceled") {
		t.Fatalf("stderr %q, want a cancellation", stderr.String())
	}
}

// TestTokenNew checks that "cadena token new" prints a token and a tokens
// file entry that authenticates it.
func TestTokenNew(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"token", "new", "--role", "member", "--department", "sales"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q", stderr.String())
	}
	var token string
	var entry auth.Entry
	for line := range strings.Lines(stdout.String()) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, auth.TokenPrefix):
			token = line
		case strings.HasPrefix(line, "{"):
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("entry %q: %v", line, err)
			}
		}
	}
	if token == "" || entry.SHA256 == "" {
		t.Fatalf("no token or no entry in %q", stdout.String())
	}
	if entry.SHA256 != auth.Hash(token) {
		t.Errorf("entry sha256 %s, the token hashes to %s", entry.SHA256, auth.Hash(token))
	}
	if entry.Role != api.RoleMember || entry.Department != "sales" || entry.Name != "sales-member" {
		t.Errorf("entry %+v", entry)
	}
	toks, err := auth.New([]auth.Entry{entry})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := toks.Lookup(token); !ok || a.Department != "sales" || a.Role != api.RoleMember {
		t.Errorf("the token authenticates as %+v, %v", a, ok)
	}
}

func TestDemoNeverOverwritesATokensFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	const real = `{"tokens":[]}`
	if err := os.WriteFile(path, []byte(real), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo", "--data", t.TempDir(), "--tokens", path}, &stdout, &stderr)
	if code != 1 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "exists") {
		t.Fatalf("exit %d, stderr %q: want 1 and one line saying the file exists", code, stderr.String())
	}
	if b, _ := os.ReadFile(path); string(b) != real {
		t.Fatalf("tokens file changed to %s", b)
	}
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
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Fatalf("stdout %q does not contain %q", stdout.String(), tt.stdout)
			}
			if tt.stderrLine != "" && stderr.String() != tt.stderrLine+"\n" {
				t.Fatalf("stderr %q, want the line %q", stderr.String(), tt.stderrLine)
			}
		})
	}
}
