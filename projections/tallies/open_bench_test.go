package tallies_test

import (
	"testing"

	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/tallies"
)

// BenchmarkFoldOpenRequests is the model's work for each new hand-off of
// one pair that stays open, as under durable ingest.
func BenchmarkFoldOpenRequests(b *testing.B) {
	logtest.BenchmarkOpenRequests(b, func() projections.Handler { return tallies.New(tallies.Options{}) })
}
