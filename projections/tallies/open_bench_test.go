package tallies_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/tallies"
)

// BenchmarkFoldOpenRequests folds new hand-offs of one pair that stay open,
// as a server does under durable ingest: the model's work for each
// request event. The model is fresh every 100,000 events.
func BenchmarkFoldOpenRequests(b *testing.B) {
	const n = 100_000
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	terms := &domain.AgreementTerms{Version: 1, Kind: "laptop", ResolveWithinS: 72 * 3600, RespondWithinS: 4 * 3600}
	envs := make([]projections.Envelope, n)
	for i := range envs {
		envs[i] = projections.Envelope{Position: uint64(i + 1), Event: domain.HandoffRequested{
			HandoffID: fmt.Sprintf("h%07d", i), Supplier: "it", Customer: "sales", Kind: "laptop", Title: "a laptop",
			Agreement: terms, At: start.Add(time.Duration(i) * time.Millisecond)}}
	}
	b.ReportAllocs()
	var m *tallies.Model
	i := 0
	for b.Loop() {
		if i%n == 0 {
			b.StopTimer()
			m = tallies.New(tallies.Options{})
			b.StartTimer()
		}
		m.Apply(envs[i%n])
		i++
	}
}
