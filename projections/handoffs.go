package projections

import (
	"maps"
	"slices"

	"github.com/cadena-project/cadena/domain"
)

// handoffStates folds the state of every hand-off once, for all the
// handlers: each keeps the pointer the envelope carries instead of a copy
// of its own (the state is most of what a read model holds per hand-off).
// A state is never modified once made: the next event makes a new one
// (domain.EvolveHandoff returns a value and never writes into the slices
// it was given).
//
// Only the open hand-offs are kept as states. A closed one (delivered or
// cancelled: most of a long log) is kept packed (pack.go), a few dozen
// bytes, and unpacked when another event of it comes (a rating, a
// return); the handlers drop their pointer to a closed state and keep what
// their queries need of it.
type handoffStates struct {
	ids  map[string]uint32 // the number of each hand-off (Envelope.Num)
	open map[uint32]*domain.Handoff
	// packed holds the closed states by number less one ("" while open).
	packed []string
	// diverged holds the hand-offs requested twice: the read models differ
	// on what a second request means, so each folds those on its own.
	diverged map[uint32]struct{}
	tab      packTable // departments, kinds, terms and zones, shared
}

func newHandoffStates() handoffStates {
	return handoffStates{ids: map[string]uint32{}, open: map[uint32]*domain.Handoff{},
		diverged: map[uint32]struct{}{}, tab: newPackTable()}
}

// next folds e into the state of its hand-off and returns the new state
// and the hand-off's number; a nil state for events of other aggregates
// and for hand-offs it does not fold, and 0 when the hand-off has no
// number (another aggregate, or its request was never seen). For a second
// request it returns the state before it as replaced (Envelope.Replaced).
func (s *handoffStates) next(e domain.Event) (h *domain.Handoff, num uint32, replaced *domain.Handoff) {
	id, ok := domain.HandoffOf(e)
	if !ok {
		return nil, 0, nil
	}
	num, known := s.ids[id]
	if _, bad := s.diverged[num]; bad && known {
		return nil, num, nil
	}
	if _, ok := e.(domain.HandoffRequested); ok {
		if known {
			replaced, ok := s.open[num]
			if !ok {
				replaced, _ = s.tab.unpack(id, s.packed[num-1])
			}
			delete(s.open, num)
			s.packed[num-1] = ""
			s.diverged[num] = struct{}{}
			return nil, num, replaced
		}
		num = uint32(len(s.packed) + 1)
		s.ids[id] = num
		s.packed = append(s.packed, "")
		v := domain.EvolveHandoff(domain.Handoff{}, e) // e, not the request boxed again
		v.Supplier, v.Customer, v.Kind = s.tab.intern(v.Supplier), s.tab.intern(v.Customer), s.tab.intern(v.Kind)
		return s.keep(num, &v), num, nil
	}
	if !known {
		return nil, 0, nil // its request was never seen
	}
	old, ok := s.open[num]
	if !ok {
		if old, ok = s.tab.unpack(id, s.packed[num-1]); !ok {
			return nil, num, nil // not reached: snapshots are checksummed and pack writes what unpack reads
		}
	}
	v := domain.EvolveHandoff(*old, e)
	return s.keep(num, &v), num, nil
}

// keep records h as the state of hand-off num: as it is while open,
// packed once closed.
func (s *handoffStates) keep(num uint32, h *domain.Handoff) *domain.Handoff {
	if h.Open() {
		s.open[num] = h
		s.packed[num-1] = ""
		return h
	}
	delete(s.open, num)
	s.packed[num-1] = s.tab.pack(h)
	return h
}

// Len returns the number of hand-offs folded, open and closed.
func (s *handoffStates) Len() int { return len(s.packed) }

// NextHandoff returns the state of the hand-off of env after its event:
// env.Handoff when the runner folded it, else prev (nil when there is
// none) folded with the event, for envelopes made without a runner.
func NextHandoff(env Envelope, prev *domain.Handoff) *domain.Handoff {
	if env.Handoff != nil {
		return env.Handoff
	}
	var h domain.Handoff
	if prev != nil {
		h = *prev
	}
	h = domain.EvolveHandoff(h, env.Event)
	return &h
}

// Keep reports whether a handler that received h from the runner
// (Envelope.Handoff) should keep the pointer: only while the hand-off is
// open. The runner keeps closed states packed and hands a full one again
// with the next event of the hand-off; a handler that keeps a closed state
// keeps what the runner packed away.
func Keep(h *domain.Handoff) bool { return h != nil && h.Open() }

// closedChunk bounds a chunk of the packed states in a snapshot.
const closedChunk = 4 << 20

func (s *handoffStates) save(e *Encoder) {
	s.tab.save(e)
	// The hand-offs in the order of their numbers as chunks of records
	// (ID, packed state or ""), read back as one string each, of which the
	// IDs and states are substrings.
	ids := make([]string, len(s.packed))
	for id, num := range s.ids {
		ids[num-1] = id
	}
	e.Uint(uint64(len(ids)))
	var chunk []byte
	for i, id := range ids {
		p := s.packed[i]
		if len(chunk)+len(id)+len(p)+20 > closedChunk && len(chunk) > 0 {
			e.Bytes(chunk)
			chunk = chunk[:0]
		}
		chunk = appendString(chunk, id)
		chunk = appendString(chunk, p)
	}
	e.noteNumbered(s.ids) // every number has one ID, s.ids[ids[i]] == i+1
	if len(chunk) > 0 {
		e.Bytes(chunk)
	}
	// In the order of their numbers, not the maps': the same state is
	// written as the same bytes (the fold version's test hashes them).
	e.Uint(uint64(len(s.open)))
	for _, num := range slices.Sorted(maps.Keys(s.open)) {
		e.Uint(uint64(num))
		e.HandoffRef(s.open[num])
	}
	e.Uint(uint64(len(s.diverged)))
	for _, num := range slices.Sorted(maps.Keys(s.diverged)) {
		e.Uint(uint64(num))
	}
}

// loadHandoffStates reads what handoffStates.save wrote.
func loadHandoffStates(d *Decoder) handoffStates {
	out := handoffStates{diverged: map[uint32]struct{}{}}
	out.tab = loadPackTable(d)
	n := d.Len(1 << 32)
	out.ids = make(map[string]uint32, n)
	out.packed = make([]string, 0, n)
	d.ids = make([]string, 0, n)
	for len(out.packed) < n && d.err == nil {
		chunk := d.String()
		if chunk == "" {
			d.Fail(errShortChunk)
			break
		}
		for len(chunk) > 0 {
			id, rest, ok1 := cutString(chunk)
			p, rest, ok2 := cutString(rest)
			if !ok1 || !ok2 {
				d.Fail(errShortChunk)
				break
			}
			out.packed = append(out.packed, p)
			out.ids[id] = uint32(len(out.packed))
			d.ids = append(d.ids, id)
			chunk = rest
		}
	}
	if d.err == nil && len(out.packed) != n {
		d.Fail(errShortChunk)
	}
	k := d.Len(n)
	out.open = make(map[uint32]*domain.Handoff, k)
	for range k {
		num := d.Len(n)
		h := d.HandoffRef()
		if d.err != nil {
			break
		}
		if h == nil || num == 0 {
			d.Fail(errNilState)
			break
		}
		out.open[uint32(num)] = h
	}
	for range d.Len(n) {
		out.diverged[uint32(d.Len(n))] = struct{}{}
	}
	return out
}
