package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadena-project/cadena/eventstore"
)

// benchSections are the sections of "cadena bench", in the order they run.
var benchSections = []string{"store", "http", "restart", "query", "scrape"}

// benchDepartments is the number of departments of the generated log.
const benchDepartments = 300

// benchConfig is what "cadena bench" runs with.
type benchConfig struct {
	dir         string
	only        []string
	writers     []int
	size        int
	duration    time.Duration
	connections int
	requests    int
	events      int
	pairs       int
	postgres    string
	json        bool
}

func (c benchConfig) has(section string) bool { return slices.Contains(c.only, section) }

// runBench measures, on a fresh temporary directory, the figures of the
// Performance section that need no outside peer: the bolt store's appends,
// HTTP ingest and lifecycle commands against a real server on loopback,
// restart time and memory on a generated log, query and scrape latencies.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "[--only store,http,restart,query,scrape] [--writers 1,16,64,256] [--events N] [--duration 5s] [--json] [--postgres URL]", stdout)
	dir := fs.String("data", "", "directory for the stores' files, removed afterwards (made if missing, and then removed too; default: a temporary directory)")
	only := fs.String("only", strings.Join(benchSections, ","), "sections to run, comma-separated: "+strings.Join(benchSections, ", "))
	writers := fs.String("writers", "1,16,64,256", "concurrent writers of the store rows, comma-separated")
	size := fs.Int("size", 200, "bytes of JSON data per event of the store rows")
	duration := fs.Duration("duration", 5*time.Second, "how long each throughput row (store, HTTP, PostgreSQL) runs, and the most each latency row (query, scrape) runs")
	conns := fs.Int("connections", 64, "HTTP connections of the ingest and lifecycle rows (and PostgreSQL writers)")
	requests := fs.Int("requests", 200, "requests per latency row (query, scrape), each row also bounded by --duration")
	events := fs.Int("events", 1_000_000, "events of the generated log the restart, query and scrape rows run on (10000000 for the 10M figures)")
	pairs := fs.Int("pairs", 1000, fmt.Sprintf("supplier -> customer pairs of the generated log, among its %d departments (10000 for the /metrics target)", benchDepartments))
	pg := fs.String("postgres", "", "also measure a plain PostgreSQL event table written by pgx at this URL (a temporary schema, dropped afterwards)")
	asJSON := fs.Bool("json", false, "print the results as JSON instead of a table")
	floor := fs.String("floor-server", "", "internal: serve only the bare server of a floor row (net/http or echo) on a free port of 127.0.0.1 until interrupted; the http section starts it as a child process")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *floor != "" {
		return runFloorServer(ctx, *floor, stderr)
	}
	cfg := benchConfig{dir: *dir, size: *size, duration: *duration, connections: *conns, requests: *requests,
		events: *events, pairs: *pairs, postgres: *pg, json: *asJSON}
	var err error
	if cfg.only, err = benchOnly(*only); err != nil {
		return err
	}
	if cfg.writers, err = benchWriters(*writers); err != nil {
		return err
	}
	switch {
	case cfg.size < 0 || cfg.size > eventstore.MaxEventSize:
		return fmt.Errorf("bench: --size must be 0 to %d", eventstore.MaxEventSize)
	case cfg.duration <= 0:
		return errors.New("bench: --duration must be positive")
	case cfg.connections < 1 || cfg.connections > 4096:
		return errors.New("bench: --connections must be 1 to 4096")
	case cfg.requests < 1:
		return errors.New("bench: --requests must be at least 1")
	case cfg.events < 1000:
		return errors.New("bench: --events must be at least 1000")
	case cfg.pairs < 1 || cfg.pairs > benchDepartments*(benchDepartments-1)/2:
		return fmt.Errorf("bench: --pairs must be 1 to %d", benchDepartments*(benchDepartments-1)/2)
	case cfg.postgres != "" && !strings.HasPrefix(cfg.postgres, "postgres://") && !strings.HasPrefix(cfg.postgres, "postgresql://"):
		return errors.New("bench: --postgres must be a postgres:// URL")
	}
	if cfg.postgres != "" {
		// pgx's message hides the password.
		if _, err := pgxpool.ParseConfig(cfg.postgres); err != nil {
			return fmt.Errorf("bench: --postgres: %w", err)
		}
		// A server that cannot be reached is known now, not after the
		// sections before its row ran.
		if err := pingPostgres(ctx, cfg.postgres); err != nil {
			return fmt.Errorf("bench: --postgres %s: %w", redactURL(cfg.postgres), err)
		}
	}

	fi, err := os.Stat(cfg.dir)
	switch {
	case cfg.dir == "":
		tmp, err := os.MkdirTemp("", "cadena-bench-")
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(tmp)
		cfg.dir = tmp
	case errors.Is(err, os.ErrNotExist):
		// Made here, with any parent missing too, so removed with the files.
		made := cfg.dir
		for p := filepath.Dir(made); p != made; made, p = p, filepath.Dir(p) {
			if _, err := os.Stat(p); err == nil {
				break
			}
		}
		if err := os.MkdirAll(cfg.dir, 0o700); err != nil {
			return fmt.Errorf("bench: --data: %w", err)
		}
		defer os.RemoveAll(made)
	case err != nil:
		return fmt.Errorf("bench: --data: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("bench: --data %s is not a directory", cfg.dir)
	}
	r := &benchReport{Machine: machineNow()}
	progress := func(format string, a ...any) {
		if !cfg.json {
			fmt.Fprintf(stderr, "bench: "+format+"\n", a...)
		}
	}
	if err := runBenchSections(ctx, cfg, r, progress); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	r.Machine.LoadEnd = loadAverage()
	if cfg.json {
		return r.writeJSON(stdout)
	}
	r.writeTable(stdout)
	return nil
}

func runBenchSections(ctx context.Context, cfg benchConfig, r *benchReport, progress func(string, ...any)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if cfg.has("store") {
		progress("store appends (%d rows of %s)", len(cfg.writers), cfg.duration)
		rows, err := benchStore(ctx, cfg)
		if err != nil {
			return err
		}
		r.add(rows...)
	}
	if cfg.has("http") {
		progress("HTTP ingest and lifecycle on a fresh server")
		rows, err := benchHTTP(ctx, cfg)
		if err != nil {
			return err
		}
		r.add(rows...)
	}
	if cfg.postgres != "" {
		progress("PostgreSQL event table, %d writers", cfg.connections)
		row, err := benchPostgres(ctx, cfg)
		if err != nil {
			return err
		}
		r.add(row)
	}
	if cfg.has("restart") || cfg.has("query") || cfg.has("scrape") {
		rows, err := benchOnLog(ctx, cfg, progress)
		if err != nil {
			return err
		}
		r.add(rows...)
	}
	return nil
}

// benchOnly parses --only.
func benchOnly(s string) ([]string, error) {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(benchSections, name) {
			return nil, fmt.Errorf("bench: --only: unknown section %q (want some of %s)", name, strings.Join(benchSections, ", "))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// benchWriters parses --writers.
func benchWriters(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 4096 {
			return nil, fmt.Errorf("bench: --writers: %q is not a number of writers from 1 to 4096", strings.TrimSpace(f))
		}
		out = append(out, n)
	}
	return out, nil
}
