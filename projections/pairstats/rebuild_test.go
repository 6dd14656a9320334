package pairstats_test

import (
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

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
	opts := pairstats.Options{AnonymityMin: 2}

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
				live.Totals()
				live.OpenClocks(start.Add(20 * 24 * time.Hour))
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
	if live.Position() != rebuilt.Position() {
		t.Fatalf("positions %d and %d", live.Position(), rebuilt.Position())
	}
	for range 50 {
		w := randomWindow(r, time.UTC, start)
		if a, b := live.Pairs(w), rebuilt.Pairs(w); !reflect.DeepEqual(a, b) {
			t.Fatalf("window %v: live and rebuilt figures differ:\n%v\n%v", w, a, b)
		}
		if a, b := live.Chain(w), rebuilt.Chain(w); !reflect.DeepEqual(a, b) {
			t.Fatalf("window %v: chains differ", w)
		}
	}
	if a, b := live.Totals(), rebuilt.Totals(); !reflect.DeepEqual(a, b) {
		t.Fatalf("totals differ:\n%v\n%v", a, b)
	}
}
