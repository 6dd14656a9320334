package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // a substring, "" for no check
		stderrLine string // the whole of stderr, one line, "" for no check
	}{
		{"no command", nil, 2, "", ""},
		{"help", []string{"help"}, 0, "bench", ""},
		{"help bench", []string{"help", "bench"}, 0, "--writers", ""},
		{"unknown", []string{"nope"}, 2, "", `cadena: unknown command "nope" (run 'cadena help')`},
		{"bad flag", []string{"bench", "--bogus"}, 2, "", ""},
		{"stray argument", []string{"bench", "extra"}, 2, "", ""},
		{"failure", []string{"bench", "--writers", "0"}, 1, "", "cadena: bench: --writers must be at least 1"},
		{"bench", []string{"bench", "--data", t.TempDir(), "--writers", "4", "--events", "200", "--size", "50"}, 0, "append", ""},
	}
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
