package main

import (
	"context"
	"slices"
	"sync"
	"time"
)

// timedWriters runs n writers side by side until ctx ends or a write
// fails. Writer w asks prepare(w, i) for its i-th write (i from 1) and
// makes it; only the write is timed, and it gets a context that does not
// end with ctx, so the one in flight when ctx ends completes and counts.
// It returns how long the writers ran, the latency of every write, sorted,
// and the first error a write returned.
func timedWriters(ctx context.Context, n int, prepare func(w, i int) func(context.Context) error) (time.Duration, []time.Duration, error) {
	lats := make([][]time.Duration, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range n {
		wg.Go(func() {
			for i := 1; ctx.Err() == nil; i++ {
				write := prepare(w, i)
				t0 := time.Now()
				if err := write(context.WithoutCancel(ctx)); err != nil {
					errs <- err
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	slices.Sort(all)
	return elapsed, all, <-errs
}
