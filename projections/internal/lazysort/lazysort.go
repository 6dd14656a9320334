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

// List is a slice kept in the order cmp gives, with Merge and RLock as its
// methods: Add puts an element among those waiting, at a constant cost,
// and they are merged in before the ordered elements are read. A List is
// guarded by its owner's lock.
type List[T any] struct {
	sorted, added []T
	cmp           func(a, b T) int
}

// NewList returns a List in cmp's order holding sorted, which is in that
// order already.
func NewList[T any](cmp func(a, b T) int, sorted ...T) List[T] {
	return List[T]{sorted: sorted, cmp: cmp}
}

// Add puts v among the elements waiting to be merged in; the owner's lock
// is write-locked.
func (l *List[T]) Add(v T) { l.added = append(l.added, v) }

// Merge puts the elements added since the last merge in place; the
// owner's lock is write-locked.
func (l *List[T]) Merge() {
	l.sorted = Merge(l.sorted, l.added, l.cmp)
	l.added = nil
}

// Items returns the elements in order, as of the last Merge: under the
// lock that RLock takes, every element.
func (l *List[T]) Items() []T { return l.sorted }

// RLock read-locks mu, the lock that guards l, with every element added
// merged in (RLock). Readers of Items take it instead of mu.RLock.
func (l *List[T]) RLock(mu *sync.RWMutex) {
	RLock(mu, func() bool { return len(l.added) > 0 }, l.Merge)
}
