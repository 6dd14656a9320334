package tallies

import (
	"slices"
)

// bin is one bin of a sparse sketch store: the index of the mapping and how
// many lead times fell in it.
type bin struct {
	idx int32
	n   uint64
}

// addBin counts one more lead time in the bin idx of a sorted sparse store.
func addBin(bins []bin, idx int32) []bin {
	i, found := slices.BinarySearchFunc(bins, idx, func(b bin, idx int32) int { return int(b.idx - idx) })
	if found {
		bins[i].n++
		return bins
	}
	return slices.Insert(bins, i, bin{idx: idx, n: 1})
}
