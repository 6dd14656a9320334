package api

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecisionCacheStaysBounded: past maxCachedDecisions streams, each new
// one drops another; a stream put again, dropped, or put after being
// dropped keeps the count exact.
func TestDecisionCacheStaysBounded(t *testing.T) {
	dc := newDecisionCache()
	recs := []recorded{{Version: 1}}
	for i := range maxCachedDecisions + 100 {
		dc.put(handoffPrefix+strconv.Itoa(i), recs)
	}
	assert.Len(t, dc.byStream, maxCachedDecisions)
	last := handoffPrefix + strconv.Itoa(maxCachedDecisions+99)
	got, ok := dc.get(last)
	require.True(t, ok, "the stream put last is kept")
	assert.Equal(t, recs, got)

	dc.drop(last)
	_, ok = dc.get(last)
	assert.False(t, ok, "dropped")
	assert.Len(t, dc.byStream, maxCachedDecisions-1)
	dc.put(last, recs)
	dc.put(last, recs)
	assert.Len(t, dc.byStream, maxCachedDecisions)
	for i := range 10 {
		dc.drop(handoffPrefix + strconv.Itoa(i))
	}
	for i := range 20 {
		dc.put(handoffPrefix+"again-"+strconv.Itoa(i), recs)
	}
	assert.Len(t, dc.byStream, maxCachedDecisions)
	n := 0
	for k := range dc.byStream {
		_, ok := dc.get(k)
		assert.True(t, ok)
		n++
	}
	assert.Equal(t, maxCachedDecisions, n)
}

// TestDecisionCacheKeepsTheLongerRecords: a put of fewer records than
// kept leaves the kept ones.
func TestDecisionCacheKeepsTheLongerRecords(t *testing.T) {
	dc := newDecisionCache()
	long := []recorded{{Version: 1}, {Version: 2}}
	dc.put(handoffPrefix+"a", long)
	dc.put(handoffPrefix+"a", long[:1])
	got, ok := dc.get(handoffPrefix + "a")
	require.True(t, ok)
	assert.Equal(t, long, got)
}

// BenchmarkDecisionCachePut is the cache's work for a new hand-off once it
// is full: every put of a new stream drops one.
func BenchmarkDecisionCachePut(b *testing.B) {
	dc := newDecisionCache()
	recs := []recorded{{Version: 1}}
	names := make([]string, 4*maxCachedDecisions)
	for i := range names {
		names[i] = handoffPrefix + strconv.Itoa(i)
	}
	for _, n := range names[:maxCachedDecisions] {
		dc.put(n, recs)
	}
	b.ReportAllocs()
	i := maxCachedDecisions
	for b.Loop() {
		dc.put(names[i%len(names)], recs)
		i++
	}
}
