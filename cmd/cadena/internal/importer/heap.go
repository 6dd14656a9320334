package importer

// heap is a min-queue ordered by an entry's time, then its tie key, then,
// when both are equal, by less.
//
// Most logs, and the commands planned from them, come mostly in order: an
// entry pushed at or after the last one of the sorted run goes to the end
// of that run (a FIFO of values, O(1) and read in memory order), the
// others to a binary heap of keys with pointers to their values (ordering
// reads no value, moving one is cheap, and the values popped are reused),
// and pop takes the smaller of the run's head and the heap's top. The
// order is the one a plain heap of all of them gives.
type heap[T any] struct {
	items  []entry[T]  // a binary heap
	run    []runner[T] // a ring: runLen entries from runAt on, wrapping round
	runAt  int
	runLen int
	free   []*T
	less   func(a, b *T) bool
}

type entry[T any] struct {
	at  int64 // Unix nanoseconds
	tie uint64
	p   *T
}

// runner is an entry of the sorted run: its key and its value.
type runner[T any] struct {
	at  int64
	tie uint64
	v   T
}

func (h *heap[T]) before(a, b *entry[T]) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return h.less != nil && h.less(a.p, b.p)
}

func (r *runner[T]) entry() entry[T] { return entry[T]{r.at, r.tie, &r.v} }

func (h *heap[T]) len() int { return len(h.items) + h.runLen }

// runEntry is the run's entry i (0 its head).
func (h *heap[T]) runEntry(i int) *runner[T] { return &h.run[(h.runAt+i)&(len(h.run)-1)] }

// fromRun says whether the first entry is the run's head.
func (h *heap[T]) fromRun() bool {
	if h.runLen == 0 {
		return false
	}
	if len(h.items) == 0 {
		return true
	}
	head := h.runEntry(0).entry()
	return !h.before(&h.items[0], &head)
}

// peekAt is the time of the first entry.
func (h *heap[T]) peekAt() int64 {
	if h.fromRun() {
		return h.runEntry(0).at
	}
	return h.items[0].at
}

func (h *heap[T]) push(v T, at int64, tie uint64) {
	// v is copied to its place first: its address taken would move every
	// pushed value to the garbage-collected heap.
	if h.runLen == len(h.run) {
		h.resize(max(2*len(h.run), 64))
	}
	r := h.runEntry(h.runLen)
	*r = runner[T]{at, tie, v}
	if h.runLen == 0 {
		h.runLen++
		return
	}
	if e, tail := r.entry(), h.runEntry(h.runLen-1).entry(); !h.before(&e, &tail) {
		h.runLen++
		return
	}
	var p *T
	if k := len(h.free); k > 0 {
		p, h.free = h.free[k-1], h.free[:k-1]
	} else {
		p = new(T)
	}
	*p, *r = r.v, runner[T]{}
	e := entry[T]{at, tie, p}
	h.items = append(h.items, e)
	i := len(h.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h.before(&e, &h.items[parent]) {
			break
		}
		h.items[i] = h.items[parent]
		i = parent
	}
	h.items[i] = e
}

// resize gives the run a ring of n entries (a power of two), its head
// first.
func (h *heap[T]) resize(n int) {
	ring := make([]runner[T], n)
	for i := range h.runLen {
		ring[i] = *h.runEntry(i)
	}
	h.run, h.runAt = ring, 0
}

func (h *heap[T]) pop() T {
	if h.fromRun() {
		r := h.runEntry(0)
		v := r.v
		*r = runner[T]{}
		h.runAt = (h.runAt + 1) & (len(h.run) - 1)
		h.runLen--
		if len(h.run) > 1<<12 && h.runLen < len(h.run)/8 {
			h.resize(len(h.run) / 2) // give back the memory of a peak
		}
		return v
	}
	top := h.popHeap()
	v := *top
	var zero T
	*top = zero
	if len(h.free) < 1024 {
		h.free = append(h.free, top)
	}
	return v
}

// popHeap takes the heap's top: the hole it leaves goes down along the
// smaller children to a leaf, and the last entry up from there (it mostly
// belongs near the leaves).
func (h *heap[T]) popHeap() *T {
	top := h.items[0].p
	n := len(h.items) - 1
	last := h.items[n]
	h.items[n] = entry[T]{}
	h.items = h.items[:n]
	if n > 0 {
		items := h.items
		i := 0
		for {
			c := 2*i + 1
			if c >= n {
				break
			}
			small := c
			if c+1 < n && h.before(&items[c+1], &items[c]) {
				small = c + 1
			}
			items[i] = items[small]
			i = small
		}
		for i > 0 {
			parent := (i - 1) / 2
			if !h.before(&last, &items[parent]) {
				break
			}
			items[i] = items[parent]
			i = parent
		}
		items[i] = last
	}
	if cap(h.items) > 1<<12 && n < cap(h.items)/4 {
		h.items = append([]entry[T](nil), h.items...) // give back the memory of a peak
		h.free = nil
	}
	return top
}
