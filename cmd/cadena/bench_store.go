package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// benchStore measures durable single-event appends into a fresh bolt file
// for each number of writers, each row for cfg.duration, then one read of
// the last row's whole log.
func benchStore(ctx context.Context, cfg benchConfig) ([]benchRow, error) {
	var rows []benchRow
	var last *bolt.Store
	defer func() {
		if last != nil {
			last.Close()
		}
		for i := range cfg.writers { // the files go with the run, in a --data DIR too
			os.Remove(filepath.Join(cfg.dir, fmt.Sprintf("store-%d.db", i)))
		}
	}()
	for i, writers := range cfg.writers {
		path := filepath.Join(cfg.dir, fmt.Sprintf("store-%d.db", i))
		var commits, commitTime atomic.Int64
		s, err := bolt.Open(path, bolt.Options{OnCommit: func(c bolt.CommitStats) {
			commits.Add(1)
			commitTime.Add(int64(c.Duration))
		}})
		if err != nil {
			return nil, err
		}
		n, elapsed, lat, err := benchAppend(ctx, s, writers, cfg.size, cfg.duration)
		if err != nil {
			s.Close()
			return nil, err
		}
		c := float64(max(1, commits.Load()))
		name := fmt.Sprintf("append, %d writers", writers)
		if writers == 1 {
			name = "append, 1 writer"
		}
		rows = append(rows, benchRow{Section: "store", Name: name, Unit: "events",
			Ops: n, Seconds: elapsed.Seconds(), PerSecond: float64(n) / elapsed.Seconds(),
			P50Ms: ms(quantile(lat, 0.5)), P99Ms: ms(quantile(lat, 0.99)),
			EventsPerFsync: ptr(float64(n) / c), CommitMs: ptr(time.Duration(commitTime.Load()).Seconds() * 1000 / c),
			Note: fmt.Sprintf("%d bytes each", cfg.size)})
		if last != nil {
			last.Close()
			os.Remove(filepath.Join(cfg.dir, fmt.Sprintf("store-%d.db", i-1)))
		}
		last = s
	}
	if last == nil {
		return rows, nil
	}
	runtime.GC() // so the read does not pay for the appends' garbage
	readTime, read, err := benchRead(ctx, last)
	if err != nil {
		return nil, err
	}
	rows = append(rows, benchRow{Section: "store", Name: "read the whole log", Unit: "events", Ops: read,
		Seconds: readTime.Seconds(), PerSecond: float64(read) / readTime.Seconds()})
	err = last.Close()
	last = nil
	return rows, err
}

// benchAppend appends single events from writers goroutines, each with a
// stream of its own, for d; it returns the events appended, the time taken
// and the latency of each append.
func benchAppend(ctx context.Context, s *bolt.Store, writers, size int, d time.Duration) (int, time.Duration, []time.Duration, error) {
	data := []byte(`{"pad":"` + strings.Repeat("x", max(0, size-len(`{"pad":""}`))) + `"}`)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	streams := make([]string, writers)
	for w := range streams {
		streams[w] = fmt.Sprintf("bench-%d", w)
	}
	elapsed, all, err := timedWriters(ctx, writers, func(w, _ int) func(context.Context) error {
		stream := streams[w]
		e := eventstore.EventData{ID: eventstore.NewID(), Type: "bench.appended.v1", Data: data}
		return func(ctx context.Context) error {
			_, err := s.Append(ctx, stream, eventstore.Any, e)
			return err
		}
	})
	if err != nil {
		return 0, 0, nil, err
	}
	return len(all), elapsed, all, parent.Err()
}

// benchRead reads the whole log once.
func benchRead(ctx context.Context, s *bolt.Store) (time.Duration, int, error) {
	n := 0
	start := time.Now()
	for _, err := range s.ReadAll(ctx, 0) {
		if err != nil {
			return 0, n, err
		}
		n++
	}
	return time.Since(start), n, nil
}

// quantile returns the q-quantile of sorted durations, 0 for none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
