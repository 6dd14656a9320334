package pairstats

import (
	"strings"
	"sync"
	"time"

	"github.com/DataDog/sketches-go/ddsketch/mapping"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/lazysort"
	"github.com/cadena-project/cadena/projections/internal/placeset"
)

// RelativeAccuracy is the relative accuracy of the quantile sketches.
const RelativeAccuracy = 0.01

// Options configure a Model.
type Options struct {
	// Policy gives the organisation's time zone (days start at its
	// midnight), the anonymity minimum of satisfaction and the at-risk
	// rule; its zero fields take their defaults (domain.Policy.WithDefaults).
	Policy domain.Policy
	// Calendar measures supplier-owned time for the SLA of hand-offs whose
	// agreement names no calendar. Nil means domain.WallClock.
	Calendar domain.Calendar
}

// Model is the pair-statistics read model. It implements
// projections.Handler; queries may run concurrently with Apply.
type Model struct {
	policy  domain.Policy
	loc     *time.Location // policy.Location
	cal     domain.Calendar
	cals    domain.Calendars // the latest definition of each calendar
	mapping *mapping.LogarithmicMapping
	minIdx  float64 // values at or below go to the zero count

	mu       sync.RWMutex
	pos      uint64
	pairs    map[pairKey]*pair
	sorted   lazysort.List[*pair]       // by supplier, customer (byPair)
	handoffs projections.Slots[handoff] // by Envelope.Num
	nums     projections.Nums           // for envelopes made without a runner
	kinds    map[string]string
	// first and last business time of the hand-off events counted (Span).
	first, last time.Time

	queries queryCache // answers at pos (cache.go)
}

var _ projections.Handler = (*Model)(nil)

type pairKey struct{ supplier, customer string }

type pair struct {
	pairKey
	s    series
	open placeset.Set[*handoff] // hand-offs open now
}

// handoff is what the model keeps of one hand-off: its folded state and the
// contributions it made that a later event may take back.
type handoff struct {
	// h is shared with the other read models and never modified; nil once
	// the hand-off is closed, when the runner folded it (projections.Keep):
	// its next event brings it again.
	h         *domain.Handoff
	pair      *pair
	responded bool           // its first response is counted
	open      placeset.Place // in pair.open

	completion contribution // counted while the state is delivered (ok)
	rating     ratingRef    // the latest rating of the latest delivery (ok)

	base    [nLevels]int8 // the levels' sum of changes recorded before lastDay
	pending []levelChange // changes recorded on lastDay or later
}

// Place is hs's place in its pair's open hand-offs.
func (hs *handoff) Place() *placeset.Place { return &hs.open }

// contribution and ratingRef are kept for every hand-off ever requested:
// their fields are ordered and sized to keep them small.
type contribution struct {
	lead time.Duration
	day  int32
	idx  int32 // sketch bin, or zeroBin
	sla  int8  // cSLAMet, cSLABreached or -1
	ok   bool
}

type ratingRef struct {
	day      int32
	delivery int32
	score    int8
	ok       bool
}

type levelChange struct {
	day   int32
	level int8 // 0 open, 1 open and breached, 2 at risk
	d     int8
}

const zeroBin = -1 << 31

// New returns an empty model.
func New(opts Options) *Model {
	policy := opts.Policy.WithDefaults()
	m := &Model{
		policy: policy, loc: policy.Location, cal: opts.Calendar,
	}
	m.clearState()
	if m.cal == nil {
		m.cal = domain.WallClock{}
	}
	mp, err := mapping.NewLogarithmicMapping(RelativeAccuracy)
	if err != nil {
		panic(err) // a constant accuracy cannot fail
	}
	m.mapping = mp
	m.minIdx = mp.MinIndexableValue()
	return m
}

// Position returns the position of the last event applied.
func (m *Model) Position() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.pos
}

// Apply folds one event. Events at or below the position already applied
// are skipped (positions start at 1, so an envelope with Position 0 is
// never applied); events other than hand-off events, and events of a
// hand-off whose request was not seen, are ignored.
func (m *Model) Apply(env projections.Envelope) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if env.Position <= m.pos {
		return
	}
	m.pos = env.Position
	m.apply(env)
}

func (m *Model) pair(supplier, customer string) *pair {
	k := pairKey{supplier, customer}
	if p, ok := m.pairs[k]; ok {
		return p
	}
	p := &pair{pairKey: k}
	m.pairs[k] = p
	m.sorted.Add(p)
	return p
}

// byPair orders pairs by supplier, then customer.
func byPair(p, q *pair) int {
	if c := strings.Compare(p.supplier, q.supplier); c != 0 {
		return c
	}
	return strings.Compare(p.customer, q.customer)
}

func (m *Model) intern(s string) string {
	if v, ok := m.kinds[s]; ok {
		return v
	}
	m.kinds[s] = s
	return s
}

func (m *Model) sketchIndex(d time.Duration) int32 {
	v := d.Seconds()
	if v <= m.minIdx {
		return zeroBin
	}
	return int32(m.mapping.Index(v))
}

// apply folds the event of env; env.Handoff is the state of its hand-off
// after it, when the runner folded it.
func (m *Model) apply(env projections.Envelope) {
	e, shared := env.Event, env.Handoff
	if e, ok := e.(domain.CalendarSet); ok {
		m.setCalendar(e)
		return
	}
	if e, ok := e.(domain.HandoffRequested); ok {
		hs := m.handoffs.At(m.nums.Of(env, e.HandoffID, true))
		if hs.pair != nil {
			if hs.h == nil {
				hs.h = env.Replaced // requested again: the model folds its own from now on
			}
			return
		}
		*hs = handoff{pair: m.pair(e.Supplier, e.Customer)}
		kind := m.intern(e.Kind)
		if hs.h = shared; hs.h == nil {
			h := domain.EvolveHandoff(domain.Handoff{}, e)
			// Share the strings every hand-off of the pair holds; drop the title.
			h.Supplier, h.Customer, h.Title, h.Kind = hs.pair.supplier, hs.pair.customer, "", kind
			hs.h = &h
		}
		m.note(e.At)
		day := dayIndex(e.At, m.loc)
		hs.pair.s.bump(day, cRequested, 1)
		hs.pair.open.Add(hs)
		m.relevel(hs, day)
		m.release(hs, shared)
		return
	}
	id, ok := domain.HandoffOf(e)
	if !ok {
		return
	}
	hs := m.handoffs.Get(m.nums.Of(env, id, false))
	if hs == nil || hs.pair == nil {
		return // its request was never seen
	}
	defer m.release(hs, shared)
	if prev := hs.h; shared != nil {
		hs.h = shared
	} else {
		h := domain.EvolveHandoff(*prev, e)
		h.Rating = nil // the rating that counts is in hs.rating: keep no copy
		hs.h = &h
	}
	if _, rated := e.(domain.HandoffRated); !rated {
		// When a rating was given is not for every role (Span is read
		// by any token): it never moves the span.
		m.note(domain.OccurredAt(e))
	}
	day := dayIndex(domain.OccurredAt(e), m.loc)
	s := &hs.pair.s
	if !hs.responded && !hs.h.FirstResponseAt.IsZero() {
		hs.responded = true
		m.countResponse(hs, day)
	}
	switch e := e.(type) {
	case domain.HandoffDelivered:
		s.bump(day, cDelivered, 1)
		m.uncomplete(hs)
		m.complete(hs, day)
		hs.rating = ratingRef{} // the previous delivery's rating stays as it is
		hs.pair.open.Remove(hs)
	case domain.HandoffReturned:
		s.bump(day, cReturned, 1)
		m.uncomplete(hs)
		hs.pair.open.Add(hs)
	case domain.HandoffEscalated:
		s.bump(day, cEscalated, 1)
		return // no change of state or clock
	case domain.HandoffCancelled:
		s.bump(day, cCancelled, 1)
		hs.pair.open.Remove(hs)
	case domain.HandoffRated:
		if r := hs.rating; r.ok && int(r.delivery) == e.Delivery {
			s.bump(r.day, cRating1+int(r.score)-1, -1)
		}
		hs.rating = ratingRef{ok: true, day: day, delivery: int32(e.Delivery), score: int8(e.Score)}
		s.bump(day, cRating1+e.Score-1, 1)
		return // no change of state or clock
	}
	m.relevel(hs, day)
}

// release drops the state of a closed hand-off the runner folded: what
// the model needs of it is in hs.
func (m *Model) release(hs *handoff, shared *domain.Handoff) {
	if shared != nil && !projections.Keep(shared) {
		hs.h = nil
	}
}

func (m *Model) countResponse(hs *handoff, day int32) {
	h := hs.h
	rt := h.FirstResponseAt.Sub(h.RequestedAt)
	idx := m.sketchIndex(rt)
	sla := -1
	if a := h.Agreement; a != nil && a.RespondWithinS > 0 {
		el, _ := h.RespondElapsed(m.clock(h))
		sla = cRespBreached
		if el <= a.RespondWithin() {
			sla = cRespMet
		}
	}
	for _, b := range hs.pair.s.buckets(day) {
		b.c[cResponded]++
		b.resp.Add(rt, 1)
		if idx == zeroBin {
			b.c[cRespZero]++
		} else {
			b.respBins = addBin(b.respBins, idx, 1)
		}
		if sla >= 0 {
			b.c[sla]++
		}
	}
}

func (m *Model) complete(hs *handoff, day int32) {
	h := hs.h
	c := contribution{ok: true, day: day, lead: h.LatestDeliveryAt.Sub(h.RequestedAt), sla: -1}
	c.idx = m.sketchIndex(c.lead)
	if a := h.Agreement; a != nil {
		el, _ := h.ResolveElapsed(m.clock(h))
		c.sla = cSLABreached
		if el <= a.ResolveWithin() {
			c.sla = cSLAMet
		}
	}
	hs.completion = c
	m.addCompletion(hs.pair, &c, 1)
}

func (m *Model) uncomplete(hs *handoff) {
	if hs.completion.ok {
		m.addCompletion(hs.pair, &hs.completion, -1)
		hs.completion = contribution{}
	}
}

func (m *Model) addCompletion(p *pair, c *contribution, n int32) {
	for _, b := range p.s.buckets(c.day) {
		b.c[cCompleted] += n
		b.lead.Add(c.lead, int64(n))
		if c.idx == zeroBin {
			b.c[cLeadZero] += n
		} else {
			b.leadBins = addBin(b.leadBins, c.idx, n)
		}
		if c.sla >= 0 {
			b.c[c.sla] += n
		}
	}
}
