// Package numbering gives the values that recur in compact states, strings
// and time zones, a number each, in the order they are first seen, so a
// state keeps the number instead of the value. Tables only grow: a number
// once given keeps its meaning, and a table saved in the order of its
// numbers and read back in that order gives the same numbers again.
//
// The zero value of each table is empty and ready to use. A table is not
// safe for concurrent use.
package numbering

import "time"

// Strings numbers strings: the first string seen is number 0, the next 1.
type Strings struct {
	text []string
	idx  map[string]uint32
}

// Of returns v's number, giving v the next one when it is new.
func (s *Strings) Of(v string) uint32 {
	if n, ok := s.idx[v]; ok {
		return n
	}
	if s.idx == nil {
		s.idx = map[string]uint32{}
	}
	n := uint32(len(s.text))
	s.text = append(s.text, v)
	s.idx[v] = n
	return n
}

// Number returns v's number without giving one: false when v is new.
func (s *Strings) Number(v string) (uint32, bool) {
	n, ok := s.idx[v]
	return n, ok
}

// Text returns the string numbered n, the table's own copy; n must be a
// number the table gave.
func (s *Strings) Text(n uint32) string { return s.text[n] }

// Lookup returns the string numbered n; false when the table gave no
// string that number (n read from damaged data).
func (s *Strings) Lookup(n uint64) (string, bool) {
	if n >= uint64(len(s.text)) {
		return "", false
	}
	return s.text[n], true
}

// All returns the strings in the order of their numbers. The slice is the
// table's: the caller must not change it.
func (s *Strings) All() []string { return s.text }

// Zones numbers the zones of times. Code 0 stands for the zero time, 1 for
// UTC, 2 for Local, and 3+n for the n-th other zone seen, told apart by
// name and offset and given back as a fixed zone of that name and offset
// (the zone of a time decoded from an event or a snapshot is such a zone,
// usually UTC).
type Zones struct {
	locs []*time.Location
	idx  map[zoneKey]uint32
}

type zoneKey struct {
	name string
	off  int
}

// Code returns the code of t's zone (0 when t is the zero time), giving
// the zone the next code when it is new.
func (z *Zones) Code(t time.Time) uint32 {
	if t.IsZero() {
		return 0
	}
	switch t.Location() {
	case time.UTC:
		return 1
	case time.Local:
		return 2
	}
	name, off := t.Zone()
	k := zoneKey{name, off}
	if n, ok := z.idx[k]; ok {
		return n + 3
	}
	return z.Add(name, off)
}

// Add gives the zone of name and offset off (seconds east of UTC) the next
// code and returns it, even when the table has that zone already: a saved
// table is read back by adding its zones one after another, in the order
// of their codes.
func (z *Zones) Add(name string, off int) uint32 {
	if z.idx == nil {
		z.idx = map[zoneKey]uint32{}
	}
	n := uint32(len(z.locs))
	z.locs = append(z.locs, time.FixedZone(name, off))
	z.idx[zoneKey{name, off}] = n
	return n + 3
}

// Location returns the zone of code c; false for 0 (the zero time has no
// zone of its own) and for a code the table did not give.
func (z *Zones) Location(c uint64) (*time.Location, bool) {
	switch {
	case c == 0:
		return nil, false
	case c == 1:
		return time.UTC, true
	case c == 2:
		return time.Local, true
	case c-3 < uint64(len(z.locs)):
		return z.locs[c-3], true
	}
	return nil, false
}

// Others returns the zones of codes 3 and up, in the order of their codes.
// The slice is the table's: the caller must not change it.
func (z *Zones) Others() []*time.Location { return z.locs }
