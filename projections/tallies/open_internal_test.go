package tallies

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenHandoffsFollowASet: adding and dropping hand-offs in any order,
// each more than once, leaves a pair's open list holding exactly the set
// a map would, each hand-off knowing its place in it.
func TestOpenHandoffsFollowASet(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 7))
	hs := make([]handoff, 50)
	var p pair
	want := map[*handoff]bool{}
	for range 5000 {
		h := &hs[r.IntN(len(hs))]
		if r.IntN(2) == 0 {
			p.addOpen(h)
			want[h] = true
		} else {
			p.dropOpen(h)
			delete(want, h)
		}
		require.Len(t, p.open, len(want))
		for i, o := range p.open {
			require.True(t, want[o], "listed but not open")
			require.Equal(t, int32(i+1), o.openAt, "its place")
		}
	}
	for i := range hs {
		assert.Equal(t, want[&hs[i]], hs[i].openAt != 0, "hand-off %d", i)
	}
}
