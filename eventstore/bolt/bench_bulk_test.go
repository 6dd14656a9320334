package bolt_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// BenchmarkBulkLoad measures the store's share of an import (cadena
// import --data): 1.2M single-event appends with random IDs (as an
// import's, derived from idempotency keys), three to a stream at
// consecutive versions, by AppendBatch in batches of 16384, with the bulk
// settings of cadena import, then Close, which writes the IDs and heads
// kept in memory to their buckets. It reports events/s (Close included),
// the CPU time per event, and Close's time and CPU time.
func BenchmarkBulkLoad(b *testing.B) {
	const events, perBatch = 1_200_000, 16384
	batches := bulkBatches(events, perBatch)
	b.ResetTimer()
	var closeTime, closeCPU time.Duration
	start, cpu0 := time.Now(), cpuTime(b)
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bulk.db")
		b.StartTimer()
		s, err := bolt.Open(path, bolt.Options{MaxBatchBytes: 32 << 20, RecentIDs: 1 << 21, RecentHeads: 1 << 21, InitialMmapBytes: 1 << 30})
		require.NoError(b, err)
		for _, batch := range batches {
			res, err := s.AppendBatch(context.Background(), batch)
			require.NoError(b, err)
			for _, r := range res {
				require.NoError(b, r.Err)
			}
		}
		closing, closingCPU := time.Now(), cpuTime(b)
		require.NoError(b, s.Close())
		closeTime, closeCPU = closeTime+time.Since(closing), closeCPU+cpuTime(b)-closingCPU
	}
	elapsed, cpu := time.Since(start), cpuTime(b)-cpu0
	b.ReportMetric(float64(events*b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(events*b.N), "cpu-µs/event")
	b.ReportMetric(closeTime.Seconds()/float64(b.N), "close-s")
	b.ReportMetric(closeCPU.Seconds()/float64(b.N), "close-cpu-s")
}

// bulkBatches returns the appends of BenchmarkBulkLoad: the streams go
// perBatch at a time, their first events in one batch, their second in
// the next, their third in the one after.
func bulkBatches(events, perBatch int) [][]eventstore.StreamAppend {
	r := mrand.New(mrand.NewPCG(1, 2))
	note := strings.Repeat("n", 150)
	var out [][]eventstore.StreamAppend
	stream := 0
	for done := 0; done < events; {
		n := min(perBatch, (events-done)/3)
		if n == 0 {
			break
		}
		for v := range 3 {
			batch := make([]eventstore.StreamAppend, n)
			for i := range batch {
				var id [16]byte
				for j := range id {
					id[j] = byte(r.Uint32())
				}
				id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
				name := fmt.Sprintf("handoff-%08x", stream+i)
				batch[i] = eventstore.StreamAppend{Stream: name, Expected: eventstore.Exact(uint64(v)), Events: []eventstore.EventData{{
					ID:       eventstore.FormatUUID(id),
					Type:     "handoff.requested.v2",
					Data:     fmt.Appendf(nil, `{"handoff_id":%q,"step":%d,"note":%q}`, name, v, note),
					Metadata: []byte(`{"actor":"importer","role":"admin"}`),
				}}}
			}
			out = append(out, batch)
			done += n
		}
		stream += n
	}
	return out
}
