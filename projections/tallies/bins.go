package tallies

import (
	"slices"
	"time"
)

// durSum is an exact sum of durations that does not overflow: whole seconds
// and the nanoseconds left over.
type durSum struct{ sec, nsec int64 }

func (s *durSum) add(d time.Duration) {
	s.sec += int64(d / time.Second)
	s.nsec += int64(d % time.Second)
	if s.nsec >= 1e9 || s.nsec <= -1e9 {
		s.sec += s.nsec / 1e9
		s.nsec %= 1e9
	}
}

// seconds returns the sum in seconds: exactly as time.Duration.Seconds
// would for a sum that fits a Duration.
func (s durSum) seconds() float64 {
	const maxSec = int64(1<<63-1)/1e9 - 1
	if s.sec < maxSec && s.sec > -maxSec {
		return (time.Duration(s.sec)*time.Second + time.Duration(s.nsec)).Seconds()
	}
	return float64(s.sec) + float64(s.nsec)/1e9
}

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
