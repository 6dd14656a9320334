// Package placeset keeps a set of elements in a slice, each element holding
// its own place in it: adding and removing one is a slice write, where a
// map used as a set costs an insert or a delete (and its growth) each
// time. The read models keep so the open hand-offs of each pair, one
// added for every request event.
package placeset

// Place is an element's place in a Set: 0 while it is in none. An element
// is in at most one Set at a time.
type Place struct{ at int32 }

// In reports whether the element is in a Set.
func (p Place) In() bool { return p.at != 0 }

// Element is what a Set holds: a pointer whose Place method gives the
// element's place.
type Element interface {
	comparable
	Place() *Place
}

// Set is a set of elements in no order. The zero Set is empty.
type Set[E Element] struct{ items []E }

// Add puts e in the set; once only.
func (s *Set[E]) Add(e E) {
	p := e.Place()
	if p.at != 0 {
		return
	}
	s.items = append(s.items, e)
	p.at = int32(len(s.items))
}

// Remove takes e out of the set, if it is there: the last element takes
// its place.
func (s *Set[E]) Remove(e E) {
	p := e.Place()
	if p.at == 0 {
		return
	}
	i, last := p.at-1, len(s.items)-1
	if moved := s.items[last]; int(i) != last {
		s.items[i] = moved
		moved.Place().at = i + 1
	}
	var zero E
	s.items[last] = zero
	s.items = s.items[:last]
	p.at = 0
}

// Len returns the number of elements in the set.
func (s *Set[E]) Len() int { return len(s.items) }

// All returns the elements, in no order; valid until the next Add or
// Remove.
func (s *Set[E]) All() []E { return s.items }
