package pairstats

import (
	"slices"

	"github.com/cadena-project/cadena/projections/internal/dursum"
)

// Counters of a bucket. The first group counts facts attributed to the day
// of the bucket; the level group holds changes of a level (open hand-offs,
// open and breached, at risk) that take effect at the next midnight, so the
// level as of midnight d is the sum of the changes of the days before d.
const (
	cRequested = iota
	cDelivered
	cReturned
	cEscalated
	cCancelled
	cCompleted
	cSLAMet
	cSLABreached
	cResponded
	cRespMet
	cRespBreached
	cRating1 // cRating1+s-1 counts score s
	cRating2
	cRating3
	cRating4
	cRating5
	cLeadZero // lead times too small for the sketch
	cRespZero
	cOpen // levels
	cOpenBreached
	cAtRisk
	nCounters
)

// level names the three levels, in counter order from cOpen.
const nLevels = 3

// bin is one bin of a sparse DDSketch store: the index of the mapping and
// how many values fell in it.
type bin struct{ idx, n int32 }

// addBin adds n (possibly negative) to the bin idx of a sorted sparse store,
// dropping bins that fall to zero.
func addBin(bins []bin, idx, n int32) []bin {
	i, found := slices.BinarySearchFunc(bins, idx, func(b bin, idx int32) int { return int(b.idx - idx) })
	if found {
		bins[i].n += n
		if bins[i].n == 0 {
			bins = slices.Delete(bins, i, i+1)
		}
		return bins
	}
	return slices.Insert(bins, i, bin{idx, n})
}

// bucket holds the pre-aggregated figures of one pair over one day (or a
// month, or all time).
type bucket struct {
	c          [nCounters]int32
	lead, resp dursum.Sum
	leadBins   []bin
	respBins   []bin
}

// series is the buckets of one pair: by day, by month (sums of the days),
// and all time.
type series struct {
	dayKeys   []int32
	days      []bucket
	monthKeys []int32
	months    []bucket
	total     bucket
}

func find(keys []int32, k int32) (int, bool) {
	if n := len(keys); n > 0 && keys[n-1] == k {
		return n - 1, true
	}
	return slices.BinarySearch(keys, k)
}

func at(keys *[]int32, bs *[]bucket, k int32) *bucket {
	i, ok := find(*keys, k)
	if !ok {
		*keys = slices.Insert(*keys, i, k)
		*bs = slices.Insert(*bs, i, bucket{})
	}
	return &(*bs)[i]
}

// buckets returns the day, month and all-time buckets a change on day d
// goes to.
func (s *series) buckets(d int32) [3]*bucket {
	return [3]*bucket{at(&s.dayKeys, &s.days, d), at(&s.monthKeys, &s.months, monthOf(d)), &s.total}
}

func (s *series) bump(d int32, c int, n int32) {
	for _, b := range s.buckets(d) {
		b.c[c] += n
	}
}

// span returns the buckets that together cover days [d0, d1): leading
// days, whole months, trailing days. open means d1 is unbounded.
func (s *series) span(d0, d1 int32, open bool) (head, months, tail []bucket) {
	m0 := monthOf(d0)
	if monthStart(m0) != d0 {
		m0++
	}
	firstFull := monthStart(m0)
	var m1 int32
	if open {
		m1 = 1<<31 - 1
	} else {
		m1 = monthOf(d1) // months before m1 end by d1
	}
	if m0 >= m1 {
		return s.dayRange(d0, d1, open), nil, nil
	}
	i0, _ := slices.BinarySearch(s.monthKeys, m0)
	i1, _ := slices.BinarySearch(s.monthKeys, m1)
	head = s.dayRange(d0, firstFull, false)
	months = s.months[i0:i1]
	if !open {
		tail = s.dayRange(monthStart(m1), d1, false)
	}
	return head, months, tail
}

func (s *series) dayRange(d0, d1 int32, open bool) []bucket {
	i0, _ := slices.BinarySearch(s.dayKeys, d0)
	i1 := len(s.dayKeys)
	if !open {
		i1, _ = slices.BinarySearch(s.dayKeys, d1)
	}
	return s.days[i0:i1]
}
