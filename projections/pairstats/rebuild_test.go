package pairstats_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// TestLiveFoldEqualsRebuild folds a log event by event while other
// goroutines query, applies every event a second time (the runner may
// redeliver), and compares every query with a model rebuilt from the log in
// one go.
func TestLiveFoldEqualsRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	envs := randomHistory(t, r, start, 60)
	opts := pairstats.Options{Policy: domain.Policy{AnonymityMin: 2}}

	live := pairstats.New(opts)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qr := rand.New(rand.NewPCG(uint64(g), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				w := randomWindow(qr, time.UTC, start)
				live.Pairs(w)
				live.Scorecard("it", w)
				live.Hotspots(w, 1, 3)
			}
		}()
	}
	for i, env := range envs {
		live.Apply(env)
		if i > 0 && i%7 == 0 {
			live.Apply(envs[i-1]) // at or below the position: skipped
			live.Apply(env)
		}
	}
	close(stop)
	wg.Wait()
	for _, env := range envs {
		live.Apply(env)
	}

	rebuilt := pairstats.New(opts)
	for _, env := range envs {
		rebuilt.Apply(env)
	}
	require.Equal(t, rebuilt.Position(), live.Position())
	for range 50 {
		w := randomWindow(r, time.UTC, start)
		require.Equal(t, rebuilt.Pairs(w), live.Pairs(w), "window %v: live and rebuilt figures differ", w)
		require.Equal(t, rebuilt.Chain(w), live.Chain(w), "window %v: chains differ", w)
	}
}
