package dursum_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/projections/internal/dursum"
)

// TestSumReadsTheSameWhateverItsForm: a sum held with parts of opposite
// signs reads as the same sum held with parts of one sign, also beyond
// what a time.Duration holds.
func TestSumReadsTheSameWhateverItsForm(t *testing.T) {
	for _, sec := range []int64{3, 1 << 40, -(1 << 40)} {
		a := dursum.Sum{Sec: sec, Nsec: 300_000_000}
		b := dursum.Sum{Sec: sec + 1, Nsec: -700_000_000}
		assert.Equal(t, a.Seconds(), b.Seconds(), "sec %d", sec)
	}
}

// TestSumAddsTakesBackAndMerges: what is added n times and taken back
// leaves the sum as it was, and a merge adds sums exactly, carrying the
// nanoseconds into seconds.
func TestSumAddsTakesBackAndMerges(t *testing.T) {
	var s dursum.Sum
	s.Add(1500*time.Millisecond, 3)
	assert.Equal(t, dursum.Sum{Sec: 4, Nsec: 500_000_000}, s)
	s.Add(700*time.Millisecond, 1)
	assert.Equal(t, dursum.Sum{Sec: 5, Nsec: 200_000_000}, s, "the nanoseconds carried")
	s.Add(700*time.Millisecond, -1)
	assert.Equal(t, 4.5, s.Seconds(), "taken back")

	big := dursum.Sum{Sec: 1 << 40}
	big.Merge(s)
	assert.Equal(t, float64(1<<40)+4.5, big.Seconds(), "beyond a time.Duration")
	big.Merge(s.Neg())
	assert.Equal(t, dursum.Sum{Sec: 1 << 40}, big)
}
