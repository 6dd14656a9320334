package tallies_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/tallies"
)

// benchLog returns n hand-offs over 1,000 pairs of 100 departments, each
// requested under an agreement, delivered after 1 to 100 hours and rated;
// every tenth is left open.
func benchLog(n int) []projections.Envelope {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 48 * 3600}
	var envs []projections.Envelope
	add := func(e domain.Event) {
		envs = append(envs, projections.Envelope{Position: uint64(len(envs) + 1), Event: e})
	}
	for i := range n {
		p := i % 1000
		id, at := fmt.Sprintf("h%d", i), start.Add(time.Duration(i)*time.Minute)
		add(domain.HandoffRequested{HandoffID: id, Supplier: fmt.Sprintf("d%02d", p%100), Customer: fmt.Sprintf("d%02d", (p/100+1+p%100)%100),
			Kind: "work", Title: "t", Agreement: terms, At: at})
		if i%10 == 0 {
			continue
		}
		done := at.Add(time.Duration(1+i%100) * time.Hour)
		add(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: done})
		add(domain.HandoffRated{HandoffID: id, Delivery: 1, Score: 1 + i%5, At: done.Add(time.Minute)})
	}
	return envs
}

// BenchmarkFold folds 100,000 hand-offs (about 280,000 events).
func BenchmarkFold(b *testing.B) {
	envs := benchLog(100_000)
	for b.Loop() {
		m := tallies.New(tallies.Options{})
		for _, e := range envs {
			m.Apply(e)
		}
	}
	b.ReportMetric(float64(len(envs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemory reports the heap the model holds per hand-off.
func BenchmarkMemory(b *testing.B) {
	const n = 100_000
	envs := benchLog(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := tallies.New(tallies.Options{})
	for _, e := range envs {
		m.Apply(e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	for b.Loop() {
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/hand-off")
	runtime.KeepAlive(m)
	runtime.KeepAlive(envs) // or the log is freed between the two readings
}
