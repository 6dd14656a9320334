package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// BenchmarkSeed seeds the demo organisation into a fresh embedded store,
// durable, as "cadena demo" does at start-up.
func BenchmarkSeed(b *testing.B) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	var commands int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store, err := bolt.Open(filepath.Join(b.TempDir(), "cadena.db"), bolt.Options{})
		require.NoError(b, err)
		b.StartTimer()
		sum, err := demo.Seed(context.Background(), api.New(store, api.Options{Now: func() time.Time { return now }}), now, 1)
		require.NoError(b, err)
		commands = sum.Commands
		b.StopTimer()
		require.NoError(b, store.Close())
		b.StartTimer()
	}
	b.ReportMetric(float64(commands*b.N)/b.Elapsed().Seconds(), "commands/s")
}
