package importer

// heap is a binary min-heap ordered by an entry's time, then its tie key,
// then, when both are equal, by less. It holds pointers next to the keys,
// so ordering reads no value and moving one is cheap, and it reuses the
// values popped.
type heap[T any] struct {
	items []entry[T]
	free  []*T
	less  func(a, b *T) bool
}

type entry[T any] struct {
	at  int64 // Unix nanoseconds
	tie uint64
	p   *T
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

func (h *heap[T]) len() int { return len(h.items) }

// peekAt is the time of the first entry.
func (h *heap[T]) peekAt() int64 { return h.items[0].at }

func (h *heap[T]) push(v T, at int64, tie uint64) {
	var p *T
	if n := len(h.free); n > 0 {
		p, h.free = h.free[n-1], h.free[:n-1]
		*p = v
	} else {
		p = &v
	}
	h.items = append(h.items, entry[T]{at, tie, p})
	i := len(h.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h.before(&h.items[i], &h.items[parent]) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *heap[T]) pop() T {
	top := h.items[0].p
	n := len(h.items) - 1
	h.items[0] = h.items[n]
	h.items[n] = entry[T]{}
	h.items = h.items[:n]
	for i := 0; ; {
		l, small := 2*i+1, i
		if l < n && h.before(&h.items[l], &h.items[small]) {
			small = l
		}
		if r := l + 1; r < n && h.before(&h.items[r], &h.items[small]) {
			small = r
		}
		if small == i {
			break
		}
		h.items[i], h.items[small] = h.items[small], h.items[i]
		i = small
	}
	if cap(h.items) > 1024 && n < cap(h.items)/4 {
		h.items = append([]entry[T](nil), h.items...) // give back the memory of a peak
		h.free = nil
	}
	v := *top
	var zero T
	*top = zero
	if len(h.free) < 1024 {
		h.free = append(h.free, top)
	}
	return v
}
