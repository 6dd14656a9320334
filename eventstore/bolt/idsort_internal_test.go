package bolt

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomEntries makes n index entries with random IDs, some of them
// sharing their first bytes, at positions 1 to n.
func randomEntries(n int, seed uint64) []idEntry {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]idEntry, n)
	for i := range out {
		for k := range out[i].id {
			out[i].id[k] = byte(r.Uint32())
		}
		if i%7 == 0 { // the same first 8 bytes as the one before: the second word decides
			copy(out[i].id[:8], out[max(i-1, 0)].id[:8])
		}
		out[i].pos = uint64(i + 1)
	}
	return out
}

func byBytes(a, b idEntry) int { return bytes.Compare(a.id[:], b.id[:]) }

// TestSortIDsOrdersAsBytes: sortIDs and sortedIDs put entries in the
// order bytes.Compare gives their IDs (the ids bucket's key order), each
// entry once, and leave their input as it was.
func TestSortIDsOrdersAsBytes(t *testing.T) {
	for _, n := range []int{0, 1, 2, 255, 256, 5000} {
		in := randomEntries(n, uint64(n))
		kept := slices.Clone(in)
		want := slices.Clone(in)
		slices.SortFunc(want, byBytes)

		got := sortIDs(in)
		require.Len(t, got, n)
		assert.Equal(t, want, got, "sortIDs, %d entries", n)

		var parts []idEntry
		for p := range sortedIDs(in) {
			parts = append(parts, p...)
		}
		assert.Equal(t, want, append([]idEntry{}, parts...), "sortedIDs, %d entries", n)
		assert.Equal(t, kept, in, "the input is left as it was")
	}
}

func TestCompareIDsIsBytesCompare(t *testing.T) {
	in := randomEntries(2000, 9)
	for i := 1; i < len(in); i++ {
		assert.Equal(t, byBytes(in[i-1], in[i]), compareIDs(in[i-1], in[i]), "entries %d and %d", i-1, i)
		assert.Equal(t, 0, compareIDs(in[i], in[i]))
	}
}
