package importer

import (
	stdheap "container/heap"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// item is a value of the heap tests: its key, and a value that orders
// entries of equal keys (by less) and tells them apart.
type item struct {
	at   int64
	tie  uint64
	less int
	id   int
}

// plainHeap is the reference: container/heap in the same order.
type plainHeap []item

func (p plainHeap) Len() int { return len(p) }
func (p plainHeap) Less(i, j int) bool {
	a, b := p[i], p[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.less < b.less
}
func (p plainHeap) Swap(i, j int) { p[i], p[j] = p[j], p[i] }
func (p *plainHeap) Push(x any)   { *p = append(*p, x.(item)) }
func (p *plainHeap) Pop() any {
	old := *p
	x := old[len(old)-1]
	*p = old[:len(old)-1]
	return x
}

// TestHeapPopsInThePlainHeapsOrder pushes and pops random, sorted,
// reversed and mostly sorted keys, with ties broken by the tie key and by
// less, and compares every pop and peek with container/heap's.
func TestHeapPopsInThePlainHeapsOrder(t *testing.T) {
	keys := map[string]func(r *rand.Rand, i int) int64{
		"random":        func(r *rand.Rand, _ int) int64 { return r.Int64N(1000) },
		"sorted":        func(_ *rand.Rand, i int) int64 { return int64(i / 3) },
		"reversed":      func(_ *rand.Rand, i int) int64 { return int64(-i) },
		"mostly sorted": func(r *rand.Rand, i int) int64 { return int64(i) - r.Int64N(2)*r.Int64N(50) },
		"equal":         func(*rand.Rand, int) int64 { return 7 },
	}
	for name, key := range keys {
		for _, hold := range []int{1, 10, 5000} { // pushes ahead of the pops
			t.Run(name, func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(hold), 3))
				var h heap[item]
				h.less = func(a, b *item) bool { return a.less < b.less }
				var want plainHeap
				pop := func() {
					w := stdheap.Pop(&want).(item)
					require.Equal(t, want.Len(), h.len()-1)
					assert.Equal(t, w.at, h.peekAt(), "peek")
					require.Equal(t, w, h.pop())
				}
				for i := range 20_000 {
					it := item{at: key(r, i), tie: uint64(r.IntN(3)), less: r.IntN(4), id: i}
					it.less = it.less*100_000 + i // equal keys are ordered by less, as planned's are
					h.push(it, it.at, it.tie)
					stdheap.Push(&want, it)
					for want.Len() > hold {
						pop()
					}
					if r.IntN(100) == 0 { // now and then, drain a little more
						for range min(want.Len(), r.IntN(20)) {
							pop()
						}
					}
				}
				for want.Len() > 0 {
					pop()
				}
				assert.Zero(t, h.len())
			})
		}
	}
}

// BenchmarkHeapWindow pushes a million keys, mostly but not quite in
// order (as the generated log's events), through a window of 1<<18.
func BenchmarkHeapWindow(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]int64, 1_000_000)
	for i := range keys {
		keys[i] = int64(i)*30 + r.Int64N(3_000_000)
	}
	for b.Loop() {
		var h heap[pending]
		for i, k := range keys {
			h.push(pending{}, k, uint64(i))
			if h.len() > 1<<18 {
				h.pop()
			}
		}
		for h.len() > 0 {
			h.pop()
		}
	}
}
