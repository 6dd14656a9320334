package pairstats

import (
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// yearWindow is the 365 days of the big model's log.
var yearWindow = Window{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

// benchRuns numbers the runs of latencies: query i of run r is asked as
// r*runStride + i, so that no two runs ask the same "-moving" question.
var benchRuns atomic.Int64

const runStride = 1 << 16

// latencies runs query b.N times spread over the given number of
// concurrent clients and reports the median and 99th percentile of the
// query times (p50-ns, p99-ns) and the throughput (queries/s).
func latencies(b *testing.B, clients int, query func(i int)) {
	b.Helper()
	for i := range 20 { // warm up: fault in the memory queries reuse
		query(-1 - i)
	}
	runtime.GC() // not the build's garbage
	base := int(benchRuns.Add(1)) * runStride
	times := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t := time.Now()
				query(base + i)
				times[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "queries/s")
}

// yearQueries are the queries of the API over the 365 days of the big
// model (1,000 pairs, about 1.1M events), asked again and again (the
// answers computed at the model's position may be reused); the "-moving"
// variants move the window's start by a day at every call and its end by
// a day at every run (see benchRuns), so that no answer can be reused.
func yearQueries(m *Model) map[string]func(i int) {
	shifted := func(i int) Window {
		if i < 0 { // warm-up
			return Window{From: yearWindow.From.AddDate(0, 0, -i), To: yearWindow.To.AddDate(0, 0, -1)}
		}
		return Window{From: yearWindow.From.AddDate(0, 0, i%runStride%300), To: yearWindow.To.AddDate(0, 0, i/runStride)}
	}
	return map[string]func(int){
		"hotspots":  func(int) { m.Hotspots(yearWindow, 5, 10) },
		"chain":     func(int) { m.Chain(yearWindow) },
		"scorecard": func(int) { m.Scorecard("d7", yearWindow) },
		"pairs":     func(int) { m.Pairs(yearWindow) },
		// The JSON of /pairs: as encoding/json writes Pairs (what the API
		// did first), and as the API writes it now (PairsJSON).
		"pairs-encode": func(int) {
			if err := json.NewEncoder(io.Discard).Encode(m.Pairs(yearWindow)); err != nil {
				panic(err)
			}
		},
		"pairs-json":        func(int) { mustJSON(m.PairsJSON(yearWindow)) },
		"pairs-json-moving": func(i int) { mustJSON(m.PairsJSON(shifted(i))) },
		"hotspots-moving":   func(i int) { m.Hotspots(shifted(i), 5, 10) },
		"chain-moving":      func(i int) { m.Chain(shifted(i)) },
		"scorecard-moving":  func(i int) { m.Scorecard("d7", shifted(i)) },
		"pairs-moving":      func(i int) { m.Pairs(shifted(i)) },
	}
}

// BenchmarkYearQueries runs each API query over the 365-day window of the
// big model with 1 and 16 concurrent clients and reports their p50 and
// p99. The "-moving" variants change the window between calls.
func BenchmarkYearQueries(b *testing.B) {
	m := big()
	qs := yearQueries(m)
	names := make([]string, 0, len(qs))
	for n := range qs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, clients := range []int{1, 16} {
			b.Run(name+"/clients="+strconv.Itoa(clients), func(b *testing.B) {
				latencies(b, clients, qs[name])
			})
		}
	}
}

func mustJSON(_ []byte, err error) {
	if err != nil {
		panic(err)
	}
}
