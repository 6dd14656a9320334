package placeset_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections/internal/placeset"
)

type item struct{ place placeset.Place }

func (i *item) Place() *placeset.Place { return &i.place }

// TestSetFollowsAMap: adding and removing elements in any order, each more
// than once, leaves the set holding exactly what a map would, each element
// knowing whether it is in.
func TestSetFollowsAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 7))
	items := make([]item, 50)
	var s placeset.Set[*item]
	want := map[*item]bool{}
	for range 5000 {
		it := &items[r.IntN(len(items))]
		if r.IntN(2) == 0 {
			s.Add(it)
			want[it] = true
		} else {
			s.Remove(it)
			delete(want, it)
		}
		require.Equal(t, len(want), s.Len())
		seen := map[*item]bool{}
		for _, e := range s.All() {
			require.True(t, want[e], "in the set but removed")
			require.False(t, seen[e], "in the set twice")
			seen[e] = true
		}
	}
	for i := range items {
		assert.Equal(t, want[&items[i]], items[i].place.In(), "item %d", i)
	}
}
