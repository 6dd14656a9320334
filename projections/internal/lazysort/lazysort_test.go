package lazysort_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections/internal/lazysort"
)

func TestMergeKeepsOrder(t *testing.T) {
	tests := []struct {
		name          string
		sorted, added []int
		want          []int
	}{
		{"nothing added", []int{1, 3}, nil, []int{1, 3}},
		{"into nothing", nil, []int{3, 1, 2}, []int{1, 2, 3}},
		{"between", []int{1, 4, 9}, []int{5, 0, 10, 4}, []int{0, 1, 4, 4, 5, 9, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, lazysort.Merge(tt.sorted, tt.added, cmp.Compare[int]))
		})
	}
}

// TestMergeAsInsert adds random elements in rounds and compares with
// inserting each in place.
func TestMergeAsInsert(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var merged, inserted []int
	for range 50 {
		var added []int
		for range r.IntN(40) {
			v := r.IntN(1000)
			added = append(added, v)
			i, _ := slices.BinarySearch(inserted, v)
			inserted = slices.Insert(inserted, i, v)
		}
		before := slices.Clone(merged)
		out := lazysort.Merge(merged, added, cmp.Compare[int])
		require.Equal(t, before, merged, "the slice passed in is left as it was")
		merged = out
		require.Equal(t, inserted, merged)
	}
}

func TestRLockMergesWhatWaitsFirst(t *testing.T) {
	var mu sync.RWMutex
	waiting, merges := 3, 0
	lazysort.RLock(&mu, func() bool { return waiting > 0 }, func() { merges++; waiting = 0 })
	assert.Equal(t, 1, merges, "one merge of everything waiting")
	assert.False(t, mu.TryLock(), "returns read-locked")
	assert.True(t, mu.TryRLock(), "other readers still enter")
	mu.RUnlock()
	mu.RUnlock()
	lazysort.RLock(&mu, func() bool { return waiting > 0 }, func() { merges++ })
	mu.RUnlock()
	assert.Equal(t, 1, merges, "nothing waiting: no merge")
}

// TestListRLockMergesWhatWaits: the elements added are read in order by
// a reader that takes RLock, after those the list was made with.
func TestListRLockMergesWhatWaits(t *testing.T) {
	var mu sync.RWMutex
	l := lazysort.NewList(cmp.Compare[int], 2, 5, 9)
	for _, v := range []int{7, 1, 5, 10} {
		l.Add(v)
	}
	assert.Equal(t, []int{2, 5, 9}, l.Items(), "nothing merged before a reader asks")
	l.RLock(&mu)
	assert.Equal(t, []int{1, 2, 5, 5, 7, 9, 10}, l.Items())
	mu.RUnlock()
	l.RLock(&mu) // nothing waits: a read lock at once
	assert.Equal(t, []int{1, 2, 5, 5, 7, 9, 10}, l.Items())
	mu.RUnlock()
}
