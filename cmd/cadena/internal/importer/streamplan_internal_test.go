package importer

import (
	"bytes"
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// planStream reads a CSV log and plans it as Import's reader does, with a
// bulk load's state, handing each batch to each and then taking it back.
func planStream(t testing.TB, log []byte, so StreamOptions, each func([]planned)) {
	pl, err := newStreamPlanner(context.Background(), nil, so)
	require.NoError(t, err)
	pl.bulk = true
	pl.free = make(chan []planned, 1)
	pl.out = func(b []planned) bool {
		each(b)
		clear(b[:cap(b)])
		pl.free <- b[:0]
		return true
	}
	require.NoError(t, CSV.scan(bytes.NewReader(log), ReadOptions{}, pl))
	require.NoError(t, pl.finish())
}

// BenchmarkPlanGenerated is the reader's stage of Import alone (read,
// map, put in time order) on the generated log of BenchmarkImportGenerated:
// 1,000,000 events over 1,000 groups. It reports the CPU time per event,
// which a loaded machine disturbs less than the wall clock.
func BenchmarkPlanGenerated(b *testing.B) {
	const events = 1_000_000
	var buf bytes.Buffer
	GenerateLog(&buf, events, 1000, 1)
	b.SetBytes(int64(buf.Len()))
	cpu0 := cpuTime(b)
	for b.Loop() {
		planStream(b, buf.Bytes(), StreamOptions{Options: Options{Batch: BulkBatch}}, func([]planned) {})
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/events/float64(b.N), "cpu-µs/event")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
