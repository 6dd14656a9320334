package projections

import "fmt"

// slotBlock is the number of slots in one block of Slots.
const slotBlock = 4096

// Slots holds one T per hand-off number (Envelope.Num), in blocks that
// never move: a pointer to a slot stays valid as Slots grows. The zero
// value is empty.
type Slots[T any] struct {
	blocks [][]T
	n      int
}

// At returns the slot of num (from 1), growing Slots to hold it.
func (s *Slots[T]) At(num uint32) *T {
	i := int(num) - 1
	for i/slotBlock >= len(s.blocks) {
		s.blocks = append(s.blocks, make([]T, slotBlock))
	}
	s.n = max(s.n, i+1)
	return &s.blocks[i/slotBlock][i%slotBlock]
}

// Get returns the slot of num, or nil when num is 0 or beyond Len.
func (s *Slots[T]) Get(num uint32) *T {
	i := int(num) - 1
	if i < 0 || i >= s.n {
		return nil
	}
	return &s.blocks[i/slotBlock][i%slotBlock]
}

// Len returns the highest number held.
func (s *Slots[T]) Len() int { return s.n }

// Nums numbers the hand-offs of envelopes made without a runner, as the
// runner would (Envelope.Num); the zero value is empty.
type Nums struct {
	byID map[string]uint32
	n    uint32
}

// Of returns the number of the hand-off of env: env.Num when the runner
// gave one, else its own, given at the hand-off's first request; 0 for a
// hand-off whose request it has not seen.
func (n *Nums) Of(env Envelope, id string, request bool) uint32 {
	if env.Num != 0 {
		return env.Num
	}
	if v, ok := n.byID[id]; ok {
		return v
	}
	if !request {
		return 0
	}
	if n.byID == nil {
		n.byID = map[string]uint32{}
	}
	n.n++
	n.byID[id] = n.n
	return n.n
}

// Save writes the numbers given; LoadNums reads them back.
func (n *Nums) Save(e *Encoder) {
	e.Uint(uint64(n.n))
	e.Uint(uint64(len(n.byID)))
	// In the order of their numbers, not the map's: the same state is
	// written as the same bytes.
	ids := make([]string, n.n)
	for id, v := range n.byID {
		ids[v-1] = id
	}
	for i, id := range ids {
		e.String(id)
		e.Uint(uint64(i + 1))
	}
}

// LoadNums reads what Nums.Save wrote.
func LoadNums(d *Decoder) Nums {
	out := Nums{n: uint32(d.Uint())}
	if k := d.Len(1 << 32); k > 0 {
		out.byID = make(map[string]uint32, k)
		for range k {
			id, v := d.String(), d.Uint()
			if v == 0 || v > uint64(out.n) {
				d.Fail(fmt.Errorf("hand-off number %d of %d", v, out.n))
				return Nums{}
			}
			out.byID[id] = uint32(v)
		}
		if len(out.byID) != int(out.n) {
			d.Fail(fmt.Errorf("%d hand-off numbers for %d hand-offs", len(out.byID), out.n))
			return Nums{}
		}
	}
	return out
}
