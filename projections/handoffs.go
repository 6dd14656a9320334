package projections

import "github.com/cadena-project/cadena/domain"

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
	open   map[string]*domain.Handoff
	closed map[string]string // packed states
	// diverged holds the hand-offs requested twice: the read models differ
	// on what a second request means, so each folds those on its own.
	diverged map[string]struct{}
	tab      packTable // departments, kinds, terms and zones, shared
}

func newHandoffStates() handoffStates {
	return handoffStates{open: map[string]*domain.Handoff{}, closed: map[string]string{},
		diverged: map[string]struct{}{}, tab: newPackTable()}
}

// next folds e into the state of its hand-off and returns the new state;
// nil for events of other aggregates and for hand-offs it does not fold.
func (s *handoffStates) next(e domain.Event) *domain.Handoff {
	id, ok := domain.HandoffOf(e)
	if !ok {
		return nil
	}
	if _, bad := s.diverged[id]; bad {
		return nil
	}
	if req, ok := e.(domain.HandoffRequested); ok {
		_, open := s.open[id]
		_, closed := s.closed[id]
		if open || closed {
			delete(s.open, id)
			delete(s.closed, id)
			s.diverged[id] = struct{}{}
			return nil
		}
		v := domain.EvolveHandoff(domain.Handoff{}, req)
		v.Supplier, v.Customer, v.Kind = s.tab.intern(v.Supplier), s.tab.intern(v.Customer), s.tab.intern(v.Kind)
		return s.keep(id, &v)
	}
	old, ok := s.open[id]
	if !ok {
		p, ok := s.closed[id]
		if !ok {
			return nil // its request was never seen
		}
		if old, ok = s.tab.unpack(id, p); !ok {
			return nil // not reached: snapshots are checksummed and pack writes what unpack reads
		}
	}
	v := domain.EvolveHandoff(*old, e)
	return s.keep(id, &v)
}

// keep records h as the state of id: as it is while open, packed once
// closed.
func (s *handoffStates) keep(id string, h *domain.Handoff) *domain.Handoff {
	if h.Open() {
		s.open[id] = h
		delete(s.closed, id)
		return h
	}
	delete(s.open, id)
	s.closed[id] = s.tab.pack(h)
	return h
}

// Len returns the number of hand-offs folded, open and closed.
func (s *handoffStates) Len() int { return len(s.open) + len(s.closed) }

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
	e.Uint(uint64(len(s.open)))
	for id, h := range s.open {
		e.ID(id)
		e.HandoffRef(h)
	}
	// The closed states as chunks of records (ID, packed state), read back
	// as one string each, of which the IDs and states are substrings.
	e.Uint(uint64(len(s.closed)))
	var chunk []byte
	for id, p := range s.closed {
		if len(chunk)+len(id)+len(p)+20 > closedChunk && len(chunk) > 0 {
			e.Bytes(chunk)
			chunk = chunk[:0]
		}
		chunk = appendString(chunk, id)
		chunk = appendString(chunk, p)
		e.noteID(id)
	}
	if len(chunk) > 0 {
		e.Bytes(chunk)
	}
	e.Uint(uint64(len(s.diverged)))
	for id := range s.diverged {
		e.String(id)
	}
}

func (s *handoffStates) load(d *Decoder) handoffStates {
	out := handoffStates{diverged: map[string]struct{}{}}
	out.tab = loadPackTable(d)
	n := d.Len(1 << 32)
	out.open = make(map[string]*domain.Handoff, n)
	for range n {
		id := d.ID()
		h := d.HandoffRef()
		if d.err != nil {
			break
		}
		if h == nil {
			d.Fail(errNilState)
			break
		}
		out.open[id] = h
	}
	n = d.Len(1 << 32)
	out.closed = make(map[string]string, n)
	for len(out.closed) < n && d.err == nil {
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
			out.closed[id] = p
			d.ids = append(d.ids, id)
			chunk = rest
		}
	}
	if d.err == nil && len(out.closed) != n {
		d.Fail(errShortChunk)
	}
	for range d.Len(1 << 32) {
		out.diverged[d.String()] = struct{}{}
	}
	return out
}
