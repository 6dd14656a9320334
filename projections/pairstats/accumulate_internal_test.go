package pairstats

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestComplementEqualsSum checks that the two ways accumulate reads a
// window, the sum of the buckets inside it and the all-time bucket minus
// those outside it, give the same figures, for random windows over a log
// of 20 pairs and 90 days (windows before, across and after it).
func TestComplementEqualsSum(t *testing.T) {
	m := New(Options{})
	for _, e := range benchLog(20, 90) {
		m.Apply(e)
	}
	m.sorted.Merge() // the pairs added, in m.sorted
	require.NotEmpty(t, m.sorted.Items())
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(3, 14))
	fwd, cpl := new(acc), new(acc)
	fwd.reset()
	cpl.reset()
	for range 300 {
		d0 := dayIndex(start, time.UTC) + int32(r.IntN(120)) - 15
		d1 := d0 + 1 + int32(r.IntN(110))
		for _, p := range m.sorted.Items() {
			fwd.reset()
			cpl.reset()
			inside, _ := m.facts(p, d0, d1, fwd)
			addAll(fwd, inside[:])
			_, outside := m.facts(p, d0, d1, cpl)
			subtractFromTotal(cpl, &p.s.total, outside[:])
			require.Equal(t, fwd.c, cpl.c, "counters of %v over days %d..%d", p.pairKey, d0, d1)
			assert.Equal(t, m.figures(p.supplier, p.customer, fwd, nil), m.figures(p.supplier, p.customer, cpl, nil),
				"figures of %v over days %d..%d", p.pairKey, d0, d1)
			var c [nCounters]int64
			m.counts(p, d0, d1, &c)
			assert.Equal(t, fwd.c, c, "counts of %v over days %d..%d", p.pairKey, d0, d1)
		}
	}
}

// TestQueryCacheBounds: the cache drops what it keeps when it holds too
// many answers or too large ones, and never answers for another position.
func TestQueryCacheBounds(t *testing.T) {
	var c queryCache
	calls := 0
	answer := func(v any) func() any { return func() any { calls++; return v } }
	big := make([]Figures, maxWeight)
	c.do(1, queryKey{kind: qPairs}, answer(big))
	c.do(1, queryKey{kind: qPairs}, answer(big))
	assert.Equal(t, 1, calls, "asked twice at one position")
	c.do(1, queryKey{kind: qChain}, answer(Chain{}))
	c.do(1, queryKey{kind: qPairs}, answer(big))
	assert.Equal(t, 3, calls, "dropped once over the weight")
	for i := range maxCached + 1 {
		c.do(1, queryKey{kind: qScorecard, department: strconv.Itoa(i)}, answer(Scorecard{}))
	}
	calls = 0
	c.do(1, queryKey{kind: qScorecard, department: "0"}, answer(Scorecard{}))
	assert.Equal(t, 1, calls, "dropped once over the count")
	c.do(2, queryKey{kind: qScorecard, department: "0"}, answer(Scorecard{}))
	assert.Equal(t, 2, calls, "a new position")
	c.do(1, queryKey{kind: qScorecard, department: "0"}, answer(Scorecard{}))
	c.do(1, queryKey{kind: qScorecard, department: "0"}, answer(Scorecard{}))
	assert.Equal(t, 4, calls, "an older position is never cached")
}
