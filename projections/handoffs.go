package projections

import "github.com/cadena-project/cadena/domain"

// handoffStates folds the state of every hand-off once, for all the
// handlers: each keeps the pointer the envelope carries instead of a copy
// of its own (the state is most of what a read model holds per hand-off).
// A state is never modified once made: the next event makes a new one
// (domain.EvolveHandoff returns a value and never writes into the slices
// it was given).
type handoffStates struct {
	byID map[string]*domain.Handoff
	// diverged holds the hand-offs requested twice: the read models differ
	// on what a second request means, so each folds those on its own.
	diverged map[string]struct{}
	strs     map[string]string // departments and kinds, shared
}

func newHandoffStates() handoffStates {
	return handoffStates{byID: map[string]*domain.Handoff{}, diverged: map[string]struct{}{}, strs: map[string]string{}}
}

func (s *handoffStates) intern(v string) string {
	if w, ok := s.strs[v]; ok {
		return w
	}
	s.strs[v] = v
	return v
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
		if _, dup := s.byID[id]; dup {
			delete(s.byID, id)
			s.diverged[id] = struct{}{}
			return nil
		}
		v := domain.EvolveHandoff(domain.Handoff{}, req)
		v.Supplier, v.Customer, v.Kind = s.intern(v.Supplier), s.intern(v.Customer), s.intern(v.Kind)
		p := &v
		s.byID[id] = p
		return p
	}
	old, ok := s.byID[id]
	if !ok {
		return nil // its request was never seen
	}
	v := domain.EvolveHandoff(*old, e)
	p := &v
	s.byID[id] = p
	return p
}

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

func (s *handoffStates) save(e *Encoder) {
	e.Uint(uint64(len(s.byID)))
	for _, h := range s.byID {
		e.HandoffRef(h)
	}
	e.Uint(uint64(len(s.diverged)))
	for id := range s.diverged {
		e.String(id)
	}
}

func (s *handoffStates) load(d *Decoder) handoffStates {
	n := d.Len(1 << 32)
	out := handoffStates{byID: make(map[string]*domain.Handoff, n), diverged: map[string]struct{}{}, strs: map[string]string{}}
	for range n {
		h := d.HandoffRef()
		if d.err != nil {
			break
		}
		out.byID[h.ID] = h
		out.intern(h.Supplier)
		out.intern(h.Customer)
		out.intern(h.Kind)
	}
	for range d.Len(1 << 32) {
		out.diverged[d.String()] = struct{}{}
	}
	return out
}
