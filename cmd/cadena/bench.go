package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// runBench measures the bolt store in a fresh file: durable single-event
// appends from concurrent writers, then one read of the whole log.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "[--data DIR] [--writers 64] [--events N] [--size BYTES]", stderr)
	dir := fs.String("data", "", "directory for the store's file, removed afterwards (default: a temporary directory)")
	writers := fs.Int("writers", 64, "concurrent writers")
	events := fs.Int("events", 100_000, "events to append")
	size := fs.Int("size", 200, "bytes of JSON data per event")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *writers < 1:
		return errors.New("bench: --writers must be at least 1")
	case *events < 1:
		return errors.New("bench: --events must be at least 1")
	case *size < 0 || *size > eventstore.MaxEventSize:
		return fmt.Errorf("bench: --size must be 0 to %d", eventstore.MaxEventSize)
	}

	if *dir == "" {
		tmp, err := os.MkdirTemp("", "cadena-bench-")
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(tmp)
		*dir = tmp
	}
	path := filepath.Join(*dir, "bench-"+eventstore.NewID()+".db")
	defer os.Remove(path)

	var commits atomic.Int64
	var commitTime atomic.Int64
	s, err := bolt.Open(path, bolt.Options{OnCommit: func(c bolt.CommitStats) {
		commits.Add(1)
		commitTime.Add(int64(c.Duration))
	}})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer s.Close()

	appendTime, err := benchAppend(ctx, s, *writers, *events, *size)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	runtime.GC() // so the read does not pay for the appends' garbage
	readTime, read, err := benchRead(ctx, s)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if read != *events {
		return fmt.Errorf("bench: read %d events, appended %d", read, *events)
	}

	n, c := float64(*events), float64(max(1, commits.Load()))
	fmt.Fprintf(stdout, "bolt store in %s: %d writers, %d events of %d bytes\n\n", *dir, *writers, *events, *size)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tevents\tseconds\tevents/s\tevents/fsync\tcommit ms\t\n")
	fmt.Fprintf(tw, "append\t%d\t%.2f\t%.0f\t%.1f\t%.3f\t\n", *events, appendTime.Seconds(), n/appendTime.Seconds(),
		n/c, time.Duration(commitTime.Load()).Seconds()*1000/c)
	fmt.Fprintf(tw, "read\t%d\t%.2f\t%.0f\t\t\t\n", read, readTime.Seconds(), float64(read)/readTime.Seconds())
	tw.Flush()
	return s.Close()
}

// benchAppend appends events single-event appends, spread over writers
// goroutines, each with a stream of its own.
func benchAppend(ctx context.Context, s *bolt.Store, writers, events, size int) (time.Duration, error) {
	pad := strings.Repeat("x", max(0, size-len(`{"pad":""}`)))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			stream := fmt.Sprintf("bench-%d", w)
			for next.Add(1) <= int64(events) {
				e := eventstore.EventData{ID: eventstore.NewID(), Type: "bench.appended.v1", Data: []byte(`{"pad":"` + pad + `"}`)}
				if _, err := s.Append(ctx, stream, eventstore.Any, e); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	return elapsed, <-errs
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
