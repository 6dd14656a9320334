package logtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// openRequests is how many new hand-offs BenchmarkOpenRequests folds into
// one model before it starts a fresh one.
const openRequests = 100_000

// BenchmarkOpenRequests folds new hand-offs of one pair (it to sales,
// under an agreement, a millisecond apart) that stay open, as a server's
// read models do under durable ingest: a model's work for each request
// event. newModel makes a fresh model every 100,000 events. The requests
// are made directly, not decided through the domain as History does: each
// is a plain valid request.
func BenchmarkOpenRequests(b *testing.B, newModel func() projections.Handler) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	terms := &domain.AgreementTerms{Version: 1, Kind: "laptop", ResolveWithinS: 72 * 3600, RespondWithinS: 4 * 3600}
	envs := make([]projections.Envelope, openRequests)
	for i := range envs {
		envs[i] = projections.Envelope{Position: uint64(i + 1), Event: domain.HandoffRequested{
			HandoffID: fmt.Sprintf("h%07d", i), Supplier: "it", Customer: "sales", Kind: "laptop", Title: "a laptop",
			Agreement: terms, At: start.Add(time.Duration(i) * time.Millisecond)}}
	}
	b.ReportAllocs()
	var m projections.Handler
	i := 0
	for b.Loop() {
		if i%len(envs) == 0 {
			b.StopTimer()
			m = newModel()
			b.StartTimer()
		}
		m.Apply(envs[i%len(envs)])
		i++
	}
}
