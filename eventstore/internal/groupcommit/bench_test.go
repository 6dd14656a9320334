package groupcommit_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

// BenchmarkPutWait measures the queue's own cost of a request: Put, the
// committer's Take, the Answer and the waiter's wake-up, by writers that
// append in a loop with a context that can end (as an HTTP request's).
// Each commit blocks its thread in a system call for the given time, as
// an fsync does, so that the requests gather into batches; it reports
// the CPU of the whole process per request.
func BenchmarkPutWait(b *testing.B) {
	for _, sync := range []time.Duration{0, 100 * time.Microsecond} {
		b.Run(fmt.Sprintf("writers=64/sync=%v", sync), func(b *testing.B) {
			q := newQueue(groupcommit.Options{})
			var commits atomic.Int64
			done := make(chan struct{})
			go func() {
				defer close(done)
				ts := syscall.NsecToTimespec(sync.Nanoseconds())
				q.Run(func(batch []*req) {
					if sync > 0 {
						_ = syscall.Nanosleep(&ts, nil) // a blocking system call, as fdatasync
					}
					commits.Add(1)
					for _, r := range batch {
						r.Answer(r.name)
					}
				})
			}()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b.SetParallelism(32) // 64 writers on two cores
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU(b)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := &req{name: "r"}
					if err := q.Put(r); err != nil {
						b.Error(err)
						return
					}
					if _, err := q.Wait(ctx, r); err != nil {
						b.Error(err)
						return
					}
				}
			})
			cpu := processCPU(b) - cpu0
			b.StopTimer()
			q.Stop(context.Canceled)
			<-done
			b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(b.N)/float64(max(1, commits.Load())), "reqs/commit")
		})
	}
}

// processCPU returns the user and system CPU time of the process so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
