package api

import "strings"

// strBlock cuts short strings (event IDs, request hashes) from larger
// blocks: one allocation per block rather than one per string. A string
// cut keeps its whole block alive, so a block holds strings that die
// together. A nil strBlock allocates each string on its own.
type strBlock struct {
	b *strings.Builder
}

// strBlockSize is the room of a block: a few hundred IDs.
const strBlockSize = 16 << 10

// cut returns p as a string. A strings.Builder only ever appends to its
// buffer, so the strings it returned before are never written again.
func (s *strBlock) cut(p []byte) string {
	if s == nil {
		return string(p)
	}
	if s.b == nil || s.b.Cap()-s.b.Len() < len(p) {
		s.b = new(strings.Builder)
		s.b.Grow(max(len(p), strBlockSize))
	}
	start := s.b.Len()
	s.b.Write(p)
	return s.b.String()[start:]
}
