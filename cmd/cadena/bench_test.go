package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchChildEnv makes the test binary run as cadena, for the server
// "cadena bench" starts as a child process.
const benchChildEnv = "CADENA_BENCH_CHILD"

// TestBenchChildServer is not a test: run by a bench test as a child
// process, it runs the cadena command given after "--".
func TestBenchChildServer(t *testing.T) {
	if os.Getenv(benchChildEnv) != "1" {
		t.Skip("runs only as the child process of a bench test")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, flag.Args(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// useTestBinaryAsCadena makes bench start its servers with the test binary.
func useTestBinaryAsCadena(t *testing.T) {
	saved := benchCommand
	t.Cleanup(func() { benchCommand = saved })
	benchCommand = func(args ...string) (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestBenchChildServer$", "--"}, args...)...)
		cmd.Env = append(os.Environ(), benchChildEnv+"=1")
		return cmd, nil
	}
}

func TestBenchRunsEverySection(t *testing.T) {
	useTestBinaryAsCadena(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--data", t.TempDir(), "--json", "--writers", "1,4",
		"--duration", "150ms", "--connections", "4", "--requests", "4", "--events", "3000", "--pairs", "50"}, &stdout, &stderr)
	require.Equal(t, 0, code, "exit code; stderr: %s", stderr.String())

	var r benchReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &r), stdout.String())
	assert.Positive(t, r.Machine.Cores)
	assert.NotEmpty(t, r.Machine.GoVersion)
	names := map[string][]string{}
	for _, row := range r.Rows {
		names[row.Section] = append(names[row.Section], row.Name)
		assert.Zero(t, row.Failures, "%s: %s", row.Name, row.Note)
		assert.Positive(t, row.Ops, row.Name)
	}
	assert.Equal(t, []string{"append, 1 writer", "append, 4 writers", "read the whole log"}, names["store"])
	assert.Equal(t, []string{"ingest: new hand-offs, 4 connections", "lifecycle: accept, deliver, rate, 4 connections",
		"floor: bare net/http, 4 connections", "floor: bare Echo route, 4 connections",
		"ingest on the 3000-event log, 4 connections", "ingest on the 3000-event log, started from its snapshot, 4 connections"}, names["http"])
	assert.Equal(t, []string{"generate the log (synth, batches into bolt)", "serve: ready (projections caught up)",
		"serve: memory at the end of the run", "serve again: ready from its snapshot"}, names["restart"])
	assert.Len(t, names["query"], 8)
	pairs := 0
	for _, name := range names["query"] {
		if n, err := fmt.Sscanf(name, "pairs (all %d)", &pairs); err == nil && n == 1 {
			break
		}
	}
	assert.Positive(t, pairs, "a query row asks for all the pairs")
	assert.LessOrEqual(t, pairs, 50, "the log has the --pairs asked for")
	assert.Equal(t, []string{"/metrics, 1 client", "/metrics, 16 concurrent"}, names["scrape"])
	for _, row := range r.Rows {
		switch row.Name {
		case "serve: ready (projections caught up)":
			assert.Positive(t, row.Seconds)
			assert.Equal(t, 3000, row.Ops)
		case "serve again: ready from its snapshot":
			assert.Positive(t, row.Seconds)
			assert.NotContains(t, row.Note, "NO SNAPSHOT", "the second start loads the snapshot the first wrote")
		case "floor: bare net/http, 4 connections", "floor: bare Echo route, 4 connections":
			assert.Equal(t, floorNote, row.Note, "a floor row says nothing is stored")
			assert.NotNil(t, row.P99Ms, row.Name)
		}
		if strings.HasPrefix(row.Name, "serve") && strings.Contains(row.Name, "ready") && row.PeakRSSBytes != nil { // where /proc tells
			require.NotNil(t, row.IdleRSSBytes, row.Name)
			assert.Positive(t, *row.IdleRSSBytes, row.Name)
		}
	}
}

func TestBenchPrintsOneTable(t *testing.T) {
	useTestBinaryAsCadena(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--data", t.TempDir(), "--only", "http,store", "--writers", "2",
		"--duration", "100ms", "--connections", "2"}, &stdout, &stderr)
	require.Equal(t, 0, code, "exit code; stderr: %s", stderr.String())
	out := stdout.String()
	assert.Contains(t, out, "cores")
	assert.Contains(t, out, "section  figure")
	assert.Contains(t, out, "append, 2 writers")
	assert.Contains(t, out, "ingest: new hand-offs, 2 connections")
	assert.Contains(t, out, "floor: bare net/http, 2 connections")
	assert.Contains(t, out, "floor: bare Echo route, 2 connections")
	assert.NotContains(t, out, "restart")
}

func TestBenchRejectsBadFlags(t *testing.T) {
	runCLICases(t, []cliCase{
		{"unknown section", []string{"bench", "--only", "store,disk"}, 1, "", `cadena: bench: --only: unknown section "disk" (want some of store, http, restart, query, scrape)`},
		{"writers", []string{"bench", "--writers", "1,,4"}, 1, "", `cadena: bench: --writers: "" is not a number of writers from 1 to 4096`},
		{"duration", []string{"bench", "--duration", "0s"}, 1, "", "cadena: bench: --duration must be positive"},
		{"connections", []string{"bench", "--connections", "0"}, 1, "", "cadena: bench: --connections must be 1 to 4096"},
		{"requests", []string{"bench", "--requests", "0"}, 1, "", "cadena: bench: --requests must be at least 1"},
		{"events", []string{"bench", "--events", "10"}, 1, "", "cadena: bench: --events must be at least 1000"},
		{"size", []string{"bench", "--size", "-1"}, 1, "", "cadena: bench: --size must be 0 to 1048576"},
		{"pairs", []string{"bench", "--pairs", "44851"}, 1, "", "cadena: bench: --pairs must be 1 to 44850"},
		{"postgres", []string{"bench", "--postgres", "mysql://x"}, 1, "", "cadena: bench: --postgres must be a postgres:// URL"},
		// Refused before the store rows run (no progress line), its password hidden.
		{"postgres URL that does not parse", []string{"bench", "--only", "store", "--writers", "1", "--duration", "10ms", "--postgres", "postgres://u:secretpw@[bad/x"}, 1, "",
			"cadena: bench: --postgres: cannot parse `postgres://u:xxxxx@[bad/x`: failed to parse as URL (end of string reached when looking for matching \"]\" in IPv6 host address in URI)"},
		{"a value that does not parse", []string{"bench", "--duration", "abc"}, 2, "", `cadena bench: invalid value "abc" for flag -duration: parse error (run 'cadena help bench')`},
		{"an argument", []string{"bench", "store"}, 2, "", `cadena bench: unexpected argument "store" (run 'cadena help bench')`},
	})
}

// TestFloorServersAnswerLikeIngest checks the floor rows' handlers answer
// POST /api/v1/handoffs as the ingest row's server does: 201, a JSON
// hand-off, after reading the whole body.
func TestFloorServersAnswerLikeIngest(t *testing.T) {
	for _, f := range floorServers {
		t.Run(f.kind, func(t *testing.T) {
			h, err := floorHandler(f.kind)
			require.NoError(t, err)
			body := strings.NewReader(`{"id":"bench-0-0","supplier":"a","customer":"b","kind":"k","title":"t"}`)
			req := httptest.NewRequest(http.MethodPost, "/api/v1/handoffs", body)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusCreated, rec.Code)
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.Zero(t, body.Len(), "the handler read the whole body")
			var answer map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &answer))
			assert.Equal(t, "requested", answer["state"])
			assert.Len(t, rec.Body.String(), len(floorAnswer))
		})
	}
	_, err := floorHandler("nginx")
	assert.EqualError(t, err, `bench: --floor-server must be net/http or echo, not "nginx"`)
}

// TestBenchDataDirectory checks --data: a missing directory is made and
// removed afterwards with the files, an existing one is kept (its files
// removed), and a path that is a file is refused on one line before
// anything runs.
func TestBenchDataDirectory(t *testing.T) {
	parent := t.TempDir()
	missing := filepath.Join(parent, "new", "bench")
	file := filepath.Join(parent, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	store := []string{"--only", "store", "--writers", "1", "--duration", "20ms", "--json"}
	runCLICases(t, []cliCase{
		{"missing", append([]string{"bench", "--data", missing}, store...), 0, `"append, 1 writer"`, ""},
		{"existing", append([]string{"bench", "--data", parent}, store...), 0, `"append, 1 writer"`, ""},
		{"a file", append([]string{"bench", "--data", file}, store...), 1, "", "cadena: bench: --data " + file + " is not a directory"},
	})
	assert.NoDirExists(t, filepath.Dir(missing), "the directories bench made")
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"file"}, names, "left in the existing directory")
}

// TestBenchPostgresUnreachable checks that a --postgres server that cannot
// be reached is refused on one line before any section runs (no progress
// line), its password hidden.
func TestBenchPostgresUnreachable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--data", t.TempDir(), "--only", "store", "--writers", "1", "--duration", "10ms",
		"--postgres", "postgres://u:secretpw@127.0.0.1:1/db?connect_timeout=5"}, &stdout, &stderr)
	assert.Equal(t, 1, code, "exit code")
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %s", stderr.String())
	assert.True(t, strings.HasPrefix(stderr.String(), "cadena: bench: --postgres postgres://u:xxxxx@127.0.0.1:1/db?connect_timeout=5: "), stderr.String())
	assert.NotContains(t, stderr.String(), "secretpw")
	assert.Empty(t, stdout.String())
}
