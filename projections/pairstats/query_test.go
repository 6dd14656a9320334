package pairstats_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// referenceHotspots is the definition of Hotspots applied to Pairs.
func referenceHotspots(m *pairstats.Model, w pairstats.Window, minVolume, limit int) []pairstats.Figures {
	out := []pairstats.Figures{}
	for _, f := range m.Pairs(w) {
		if f.Requested >= minVolume {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b pairstats.Figures) int {
		return cmp.Or(cmp.Compare(b.Friction.Score, a.Friction.Score), cmp.Compare(a.Supplier, b.Supplier), cmp.Compare(a.Customer, b.Customer))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// referenceChain is the definition of Chain applied to Pairs.
func referenceChain(m *pairstats.Model, w pairstats.Window) pairstats.Chain {
	ch := pairstats.Chain{Nodes: []pairstats.Node{}, Edges: []pairstats.Edge{}}
	seen := map[string]bool{}
	for _, f := range m.Pairs(w) {
		ch.Edges = append(ch.Edges, pairstats.Edge{Supplier: f.Supplier, Customer: f.Customer, Volume: f.Requested,
			FrictionScore: f.Friction.Score, Compliance: f.SLA.Compliance})
		for _, d := range []string{f.Supplier, f.Customer} {
			if !seen[d] {
				seen[d] = true
				ch.Nodes = append(ch.Nodes, pairstats.Node{ID: d})
			}
		}
	}
	slices.SortFunc(ch.Nodes, func(a, b pairstats.Node) int { return cmp.Compare(a.ID, b.ID) })
	return ch
}

// TestRankingMatchesPairs checks that Hotspots (ranked on counters, full
// figures only for the pairs returned) and Chain (counters alone) equal
// their definitions applied to Pairs, which TestMatchesBruteForce checks
// against the raw events, for random histories, prefixes and windows.
func TestRankingMatchesPairs(t *testing.T) {
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	for seed := range 8 {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(seed), 11))
			envs := randomHistory(t, r, start, 20+r.IntN(40))
			m := pairstats.New(pairstats.Options{})
			applied := 0
			for _, cut := range []int{len(envs) / 3, len(envs)} {
				for ; applied < cut; applied++ {
					m.Apply(envs[applied])
				}
				for range 6 {
					w := randomWindow(r, time.UTC, start)
					for _, mv := range []int{0, 1, 2, 5} {
						for _, limit := range []int{0, 1, 3, 100} {
							assert.Equal(t, referenceHotspots(m, w, mv, limit), m.Hotspots(w, mv, limit),
								"hotspots over %v min %d limit %d", w, mv, limit)
						}
					}
					assert.Equal(t, referenceChain(m, w), m.Chain(w), "chain over %v", w)
					var scores []pairstats.Score
					for _, f := range m.Pairs(w) {
						scores = append(scores, pairstats.Score{Supplier: f.Supplier, Customer: f.Customer, Friction: f.Friction.Score, Compliance: f.SLA.Compliance})
					}
					assert.Equal(t, scores, nilIfEmpty(m.Scores(w)), "scores over %v", w)
				}
			}
		})
	}
}

// TestCachedAnswersFollowTheLog: an answer given at one position is not
// given again once another event is applied; every query then equals
// that of a model that never answered before.
func TestCachedAnswersFollowTheLog(t *testing.T) {
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(5, 5))
	envs := randomHistory(t, r, start, 40)
	w := pairstats.Window{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	live := pairstats.New(pairstats.Options{})
	type answers struct {
		Pairs     []pairstats.Figures
		PairsJSON string
		Hotspots  []pairstats.Figures
		Chain     pairstats.Chain
		ChainJSON string
		Scorecard []pairstats.Scorecard
		Scores    []pairstats.Score
	}
	ask := func(m *pairstats.Model) answers {
		js, err := m.PairsJSON(w)
		require.NoError(t, err)
		cj, err := m.ChainJSON(w)
		require.NoError(t, err)
		a := answers{Pairs: m.Pairs(w), PairsJSON: string(js), ChainJSON: string(cj), Hotspots: m.Hotspots(w, 1, 3), Chain: m.Chain(w), Scores: m.Scores(w)}
		for _, d := range depts {
			a.Scorecard = append(a.Scorecard, m.Scorecard(d, w))
		}
		return a
	}
	changed := 0
	var before answers
	for i, e := range envs {
		live.Apply(e)
		got := ask(live)
		require.Equal(t, got, ask(live), "asked twice at position %d", e.Position)
		fresh := pairstats.New(pairstats.Options{})
		for _, e := range envs[:i+1] {
			fresh.Apply(e)
		}
		require.Equal(t, ask(fresh), got, "after position %d", e.Position)
		want, err := json.Marshal(got.Pairs)
		require.NoError(t, err)
		require.JSONEq(t, string(want), got.PairsJSON, "PairsJSON after position %d", e.Position)
		require.Equal(t, string(want), got.PairsJSON, "PairsJSON is encoding/json's after position %d", e.Position)
		if i > 0 && fmt.Sprint(got) != fmt.Sprint(before) {
			changed++
		}
		before = got
	}
	assert.Greater(t, changed, len(envs)/2, "most events change an answer")

	// An answer handed out is the caller's: changing it changes no other.
	ps := live.Pairs(w)
	require.NotEmpty(t, ps)
	ps[0].Requested = -1
	assert.NotEqual(t, -1, live.Pairs(w)[0].Requested)
}

// TestConcurrentQueriesWhileApplying asks every query from several
// goroutines while events are applied (run with -race); at the end each
// answer equals a fresh model's.
func TestConcurrentQueriesWhileApplying(t *testing.T) {
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	envs := randomHistory(t, rand.New(rand.NewPCG(9, 9)), start, 50)
	w := pairstats.Window{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	m := pairstats.New(pairstats.Options{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				m.Pairs(w)
				m.Hotspots(w, 1, 5)
				m.Chain(w)
				m.Scorecard("it", w)
				_, _ = m.PairsJSON(w)
			}
		}()
	}
	for _, e := range envs {
		m.Apply(e)
	}
	close(stop)
	wg.Wait()
	fresh := pairstats.New(pairstats.Options{})
	apply(fresh, envs)
	assert.Equal(t, fresh.Pairs(w), m.Pairs(w))
	assert.Equal(t, fresh.Hotspots(w, 1, 5), m.Hotspots(w, 1, 5))
	assert.Equal(t, fresh.Chain(w), m.Chain(w))
	assert.Equal(t, fresh.Scorecard("it", w), m.Scorecard("it", w))
}

func apply(m *pairstats.Model, envs []projections.Envelope) {
	for _, e := range envs {
		m.Apply(e)
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
