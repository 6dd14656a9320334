package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cadena-project/cadena/cmd/cadena/internal/synth"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// benchOnLog generates a log of cfg.events events into a fresh data
// directory, starts the server on it and measures the time until it is
// ready and its memory (restart), the queries (query), /metrics (scrape)
// and, with the http section, ingest with the log behind it.
func benchOnLog(ctx context.Context, cfg benchConfig, progress func(string, ...any)) ([]benchRow, error) {
	dir := filepath.Join(cfg.dir, "log")
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	progress("generating a log of %d events", cfg.events)
	store, err := bolt.Open(filepath.Join(data, storeFileName), bolt.Options{})
	if err != nil {
		return nil, err
	}
	start := time.Now().UTC().AddDate(0, 0, -365).Truncate(24 * time.Hour)
	t0 := time.Now()
	sum, err := synth.Write(ctx, store, synth.Options{Events: cfg.events, Departments: benchDepartments, Pairs: cfg.pairs, Start: start})
	if err != nil {
		store.Close()
		return nil, err
	}
	gen := time.Since(t0)
	if err := store.Close(); err != nil {
		return nil, err
	}
	var size int64
	if fi, err := os.Stat(filepath.Join(data, storeFileName)); err == nil {
		size = fi.Size()
	}
	var rows []benchRow
	if cfg.has("restart") {
		rows = append(rows, benchRow{Section: "restart", Name: "generate the log (synth, batches into bolt)", Unit: "events",
			Ops: sum.Events, Seconds: gen.Seconds(), PerSecond: float64(sum.Events) / gen.Seconds(),
			Note: fmt.Sprintf("%d hand-offs, %d departments, %d pairs; a %s file", sum.Handoffs, sum.Departments, sum.Pairs, mib(size))})
	}

	progress("starting the server on it")
	s, err := startBenchServer(ctx, dir, data)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	ready, err := s.waitReady(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.has("restart") {
		row := benchRow{Section: "restart", Name: "serve: ready (projections caught up)", Unit: "events", Ops: sum.Events,
			Seconds: ready.Seconds(), PerSecond: float64(sum.Events) / ready.Seconds(), Note: "until /readyz answers 200; the page cache warm"}
		if rss, peak, ok := s.memory(); ok {
			row.PeakRSSBytes, row.RSSBytes = &peak, &rss
		}
		addStartCPU(&row, s)
		if idle, ok := s.idleMemory(ctx); ok {
			row.IdleRSSBytes = &idle
		}
		rows = append(rows, row)
	}

	w := url.Values{"from": {start.Format(time.DateOnly)}, "to": {start.AddDate(0, 0, 365).Format(time.DateOnly)}}.Encode()
	if cfg.has("query") {
		progress("queries over 365 days")
		for _, q := range []struct{ name, path string }{
			{"hotspots", "/api/v1/hotspots?" + w},
			{"chain", "/api/v1/chain?" + w},
			{"scorecard of " + sum.Supplier, "/api/v1/departments/" + sum.Supplier + "/scorecard?" + w},
			{fmt.Sprintf("pairs (all %d)", sum.Pairs), "/api/v1/pairs?" + w},
		} {
			for _, conns := range []int{1, 16} {
				rows = append(rows, latencyRow(ctx, s, cfg, "query", q.name, q.path, conns))
			}
		}
	}
	if cfg.has("scrape") {
		progress("scrapes of /metrics")
		// Asked for gzip, as Prometheus asks: the load generator reads
		// the compressed body (its client does not decompress), not the
		// 30 MB of text of 10,000 pairs.
		scrape := func() *http.Request {
			r := s.request(http.MethodGet, "/metrics", "")
			r.Header.Set("Accept-Encoding", "gzip")
			return r
		}
		for _, conns := range []int{1, 16} {
			row := latencyRowOf(ctx, s, cfg, "scrape", "/metrics", conns, scrape)
			row.Note = strings.TrimPrefix(row.Note+"; gzip, as Prometheus asks", "; ")
			rows = append(rows, row)
		}
	}
	if cfg.has("http") {
		progress("HTTP ingest with the log behind it")
		row, _ := benchIngest(ctx, s, cfg, logPairs(sum), "bench", fmt.Sprintf("ingest on the %d-event log", sum.Events))
		rows = append(rows, row)
	}
	if cfg.has("restart") {
		if rss, peak, ok := s.memory(); ok {
			rows = append(rows, benchRow{Section: "restart", Name: "serve: memory at the end of the run", Unit: "events", Ops: sum.Events,
				PeakRSSBytes: &peak, RSSBytes: &rss})
		}
		// The server writes the snapshot of its read models as it stops:
		// on 10M events that takes a while. Killed, it may leave an older
		// one, or none; the next row says which it loaded.
		stopErr := s.stopWithin(10 * time.Minute)
		progress("starting the server again, from its snapshot")
		again, err := restartFromSnapshot(ctx, cfg, dir, data, sum, progress)
		if err != nil {
			return nil, err
		}
		if stopErr != nil {
			again[0].Note += "; " + oneLine(stopErr)
		}
		rows = append(rows, again...)
	}
	return rows, s.stop()
}

// logPairs returns the pairs the ingest rows on the generated log request
// hand-offs on: up to 120 of its departments' pairs and its busiest one.
func logPairs(sum synth.Summary) [][2]string {
	var pairs [][2]string
	ids := sum.DepartmentIDs
	for i := range 120 {
		if a, b := ids[i%len(ids)], ids[(i*7+1)%len(ids)]; a != b && a != sum.Retired && b != sum.Retired {
			pairs = append(pairs, [2]string{a, b})
		}
	}
	return append(pairs, [2]string{sum.Supplier, sum.Customer})
}

// restartFromSnapshot starts the server again on data, which the server
// before it left with the snapshot of its read models written as it
// stopped, and returns the row of its time to ready and its memory; with
// the http section, then the row of ingest on that server: the log behind
// it, as a server started from its snapshot runs (the first server's
// ingest row runs right after its full replay, while it writes the
// snapshot of the whole log).
func restartFromSnapshot(ctx context.Context, cfg benchConfig, dir, data string, sum synth.Summary, progress func(string, ...any)) ([]benchRow, error) {
	s, err := startBenchServer(ctx, dir, data)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	ready, err := s.waitReady(ctx)
	if err != nil {
		return nil, err
	}
	events := sum.Events
	row := benchRow{Section: "restart", Name: "serve again: ready from its snapshot", Unit: "events", Ops: events,
		Seconds: ready.Seconds(), PerSecond: float64(events) / ready.Seconds(),
		Note: "the snapshot written when the server above stopped, then the tail of the log"}
	if !s.snapshotLoaded() {
		row.Note = "NO SNAPSHOT LOADED: the whole log replayed (see the server's log)"
	}
	if rss, peak, ok := s.memory(); ok {
		row.PeakRSSBytes, row.RSSBytes = &peak, &rss
	}
	addStartCPU(&row, s)
	if idle, ok := s.idleMemory(ctx); ok {
		row.IdleRSSBytes = &idle
	}
	rows := []benchRow{row}
	if cfg.has("http") {
		progress("HTTP ingest with the log behind it, on the server started from its snapshot")
		ingest, _ := benchIngest(ctx, s, cfg, logPairs(sum), "again",
			fmt.Sprintf("ingest on the %d-event log, started from its snapshot", events))
		rows = append(rows, ingest)
	}
	return rows, s.stop()
}

// addStartCPU adds to a restart row the CPU time the server used from its
// start: the CPU µs/op column per event of the log and CPU-s in the notes.
func addStartCPU(row *benchRow, s *benchServer) {
	cpu, ok := s.cpu()
	if !ok || cpu < minCPU {
		return
	}
	row.ServerCPUUs = ptr(float64(cpu.Microseconds()) / float64(row.Ops))
	row.Note = strings.TrimPrefix(row.Note+fmt.Sprintf("; %.1f CPU-s", cpu.Seconds()), "; ")
}
