// Package lazysort keeps a slice in order while adding to it costs a
// constant: the elements added wait in a slice of their own, and Merge puts
// them in place all at once, before the ordered slice is read. Inserting
// each one in place instead moves half the slice every time, which is
// quadratic in the number of elements (tens of thousands of pairs when a
// log is imported).
package lazysort

import (
	"slices"
	"sync"
)

// Merge returns sorted with added merged in, both in the order cmp gives
// (added is sorted in place first). Elements that compare equal keep
// sorted's before added's. The result is a new slice when added is not
// empty: a slice returned before stays as it was.
func Merge[T any](sorted, added []T, cmp func(a, b T) int) []T {
	if len(added) == 0 {
		return sorted
	}
	slices.SortStableFunc(added, cmp)
	out := make([]T, 0, len(sorted)+len(added))
	i, j := 0, 0
	for i < len(sorted) && j < len(added) {
		if cmp(added[j], sorted[i]) < 0 {
			out = append(out, added[j])
			j++
		} else {
			out = append(out, sorted[i])
			i++
		}
	}
	out = append(out, sorted[i:]...)
	return append(out, added[j:]...)
}

// RLock read-locks mu with nothing left to merge: while pending reports
// elements waiting, it takes the write lock and calls merge, then tries
// again. Readers of a lazily sorted slice take it instead of mu.RLock.
func RLock(mu *sync.RWMutex, pending func() bool, merge func()) {
	for {
		mu.RLock()
		if !pending() {
			return
		}
		mu.RUnlock()
		mu.Lock()
		merge()
		mu.Unlock()
	}
}
