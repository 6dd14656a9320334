package pairstats

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// benchLog returns a valid log for the given number of pairs with one
// hand-off per pair and day over the given days: accepted, sometimes paused
// and resumed, usually delivered (sometimes returned and delivered again),
// often rated (sometimes re-rated), sometimes escalated or cancelled.
func benchLog(pairs, days int) []projections.Envelope {
	r := rand.New(rand.NewPCG(uint64(pairs), uint64(days)))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	terms := []*domain.AgreementTerms{nil,
		{Version: 1, ResolveWithinS: 8 * 3600, RespondWithinS: 3600},
		{Version: 2, ResolveWithinS: 48 * 3600}}
	var envs []projections.Envelope
	add := func(e domain.Event) {
		envs = append(envs, projections.Envelope{Position: uint64(len(envs) + 1), Event: e})
	}
	const nDepts = 50
	for d := range days {
		for p := range pairs {
			s, c := p%nDepts, (p%nDepts+1+p/nDepts)%nDepts
			id := fmt.Sprintf("h-%d-%d", p, d)
			t := start.Add(time.Duration(d)*24*time.Hour + time.Duration(6*60+r.IntN(12*60))*time.Minute)
			next := func(max time.Duration) time.Time {
				t = t.Add(time.Duration(r.Int64N(int64(max))))
				return t
			}
			add(domain.HandoffRequested{HandoffID: id, Supplier: fmt.Sprint("d", s), Customer: fmt.Sprint("d", c),
				Kind: "work", Agreement: terms[r.IntN(len(terms))], At: t})
			add(domain.HandoffAccepted{HandoffID: id, At: next(2 * time.Hour)})
			if r.IntN(5) == 0 {
				add(domain.HandoffPaused{HandoffID: id, At: next(4 * time.Hour)})
				add(domain.HandoffResumed{HandoffID: id, At: next(12 * time.Hour)})
			}
			if r.IntN(20) == 0 {
				add(domain.HandoffEscalated{HandoffID: id, At: next(4 * time.Hour)})
			}
			if r.IntN(30) == 0 {
				add(domain.HandoffCancelled{HandoffID: id, At: next(24 * time.Hour)})
				continue
			}
			add(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: next(30 * time.Hour)})
			delivery := 1
			if r.IntN(10) == 0 {
				add(domain.HandoffReturned{HandoffID: id, At: next(4 * time.Hour)})
				delivery++
				add(domain.HandoffDelivered{HandoffID: id, Delivery: delivery, At: next(8 * time.Hour)})
			}
			if r.IntN(5) < 3 {
				add(domain.HandoffRated{HandoffID: id, Delivery: delivery, Score: 1 + r.IntN(5), At: next(8 * time.Hour)})
				if r.IntN(10) == 0 {
					add(domain.HandoffRated{HandoffID: id, Delivery: delivery, Score: 1 + r.IntN(5), At: next(8 * time.Hour)})
				}
			}
		}
	}
	return envs
}

// BenchmarkFold folds a year of 100 pairs (one hand-off per pair and day)
// into a fresh model per iteration and reports events per second.
func BenchmarkFold(b *testing.B) {
	envs := benchLog(100, 365)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	for _, loc := range []*time.Location{time.UTC, berlin} {
		b.Run(loc.String(), func(b *testing.B) {
			start := time.Now()
			n := 0
			for b.Loop() {
				m := New(Options{Policy: domain.Policy{Location: loc}})
				for _, e := range envs {
					m.Apply(e)
				}
				n += len(envs)
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
			b.ReportMetric(float64(len(envs)), "events/op")
		})
	}
}

var (
	bigOnce  sync.Once
	bigModel *Model
	bigEvs   int
)

// big returns a model of 1,000 pairs with one hand-off per pair and day
// over 365 days.
func big() *Model {
	bigOnce.Do(func() {
		envs := benchLog(1000, 365)
		bigEvs = len(envs)
		bigModel = New(Options{})
		for _, e := range envs {
			bigModel.Apply(e)
		}
	})
	return bigModel
}

// BenchmarkPairsYear queries the figures of all 1,000 pairs over a 365-day
// window, and reports the 99th percentile of the query times.
func BenchmarkPairsYear(b *testing.B) {
	m := big()
	w := Window{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if n := len(m.Pairs(w)); n != 1000 {
		b.Fatalf("%d pairs", n)
	}
	for range 50 { // warm up: fault in the memory queries reuse
		m.Pairs(w)
	}
	runtime.GC() // not the build's garbage
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		m.Pairs(w)
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)-1].Nanoseconds()), "max-ns")
}

// BenchmarkScorecardYear aggregates the 20 pairs of one supplier over a
// 365-day window ending mid-month.
func BenchmarkScorecardYear(b *testing.B) {
	m := big()
	w := Window{From: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		m.Scorecard("d7", w)
	}
}

// BenchmarkMemory folds the 1,000-pair year and reports the bytes its
// buckets take per pair and day (day buckets with their sketch bins, plus
// the month buckets spread over the days), and the heap of the whole model
// per pair-day and per hand-off, hand-off states included.
func BenchmarkMemory(b *testing.B) {
	envs := benchLog(1000, 365)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := New(Options{})
	for _, e := range envs {
		m.Apply(e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	for b.Loop() {
	}
	const bucketSize = 4*nCounters + 2*16 + 2*24
	var bytes, pairDays int
	for _, p := range m.pairs {
		bytes += cap(p.s.days)*bucketSize + cap(p.s.dayKeys)*4 + cap(p.s.months)*bucketSize + cap(p.s.monthKeys)*4
		for _, bs := range [][]bucket{p.s.days, p.s.months} {
			for i := range bs {
				bytes += 8 * (cap(bs[i].leadBins) + cap(bs[i].respBins))
			}
		}
		pairDays += len(p.s.days)
	}
	b.ReportMetric(float64(bytes)/float64(pairDays), "bucket-B/pair-day")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(pairDays), "heap-B/pair-day")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(m.handoffs.Len()), "heap-B/hand-off")
	b.ReportMetric(float64(pairDays), "pair-days")
	b.ReportMetric(float64(len(envs)), "events")
	runtime.KeepAlive(m)
	runtime.KeepAlive(envs) // or the log is freed between the two readings
}
