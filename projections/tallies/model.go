package tallies

import (
	"strings"
	"sync"

	"github.com/DataDog/sketches-go/ddsketch/mapping"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/dursum"
	"github.com/cadena-project/cadena/projections/internal/lazysort"
	"github.com/cadena-project/cadena/projections/internal/placeset"
)

// RelativeAccuracy is the relative accuracy of the lead-time bins.
const RelativeAccuracy = 0.01

// Options configure a Model.
type Options struct {
	// Policy gives the at-risk rule of the open clocks; its zero fields
	// take their defaults (domain.Policy.WithDefaults).
	Policy domain.Policy
	// Calendar measures supplier-owned time for hand-offs whose agreement
	// names no calendar. Nil means domain.WallClock.
	Calendar domain.Calendar
}

// Model is the tallies read model. It implements projections.Handler;
// queries may run concurrently with Apply.
type Model struct {
	policy  domain.Policy
	cal     domain.Calendar
	cals    domain.Calendars // the latest definition of each calendar
	mapping *mapping.LogarithmicMapping
	minIdx  float64 // lead times at or below go to the zero count

	mu       sync.RWMutex
	pos      uint64
	pairs    map[pairKey]*pair
	sorted   lazysort.List[*pair]       // by supplier, customer (byPair)
	handoffs projections.Slots[handoff] // by Envelope.Num
	nums     projections.Nums           // for envelopes made without a runner
	kinds    map[string]string
}

var _ projections.Handler = (*Model)(nil)

type pairKey struct{ supplier, customer string }

type pair struct {
	pairKey
	t    PairTotals
	open placeset.Set[*handoff] // hand-offs open now

	leadCount uint64
	leadSum   dursum.Sum
	leadZero  uint64
	leadBins  []bin
}

// handoff is what the model keeps of one hand-off: its folded state and
// the latest rating of its latest delivery, which a re-rating replaces.
type handoff struct {
	// h is shared with the other read models and never modified; nil once
	// the hand-off is closed, when the runner folded it (projections.Keep):
	// its next event brings it again.
	h      *domain.Handoff
	pair   *pair
	rating ratingRef
	open   placeset.Place // in pair.open
}

// Place is hs's place in its pair's open hand-offs.
func (hs *handoff) Place() *placeset.Place { return &hs.open }

type ratingRef struct {
	delivery int32
	score    int8
	ok       bool
}

// New returns an empty model.
func New(opts Options) *Model {
	m := &Model{
		policy: opts.Policy.WithDefaults(), cal: opts.Calendar,
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
// never applied); events other than hand-off and calendar events, and
// events of a hand-off whose request was not seen, are ignored.
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
	p.t.Supplier, p.t.Customer = supplier, customer
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
		hs.pair.t.Requested++
		hs.pair.open.Add(hs)
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
	defer func() {
		if shared != nil && !projections.Keep(shared) {
			hs.h = nil // what the model needs of a closed hand-off is in hs
		}
	}()
	if next := shared; next != nil {
		hs.h = next
	} else {
		h := domain.EvolveHandoff(*hs.h, e)
		h.Rating = nil // the rating that counts is in hs.rating: keep no copy
		hs.h = &h
	}
	t := &hs.pair.t
	switch e := e.(type) {
	case domain.HandoffDelivered:
		t.Delivered++
		m.observeDelivery(hs)
		hs.rating = ratingRef{} // the previous delivery's rating stays as it is
		hs.pair.open.Remove(hs)
	case domain.HandoffReturned:
		t.Returned++
		hs.pair.open.Add(hs)
	case domain.HandoffEscalated:
		t.Escalated++
	case domain.HandoffCancelled:
		t.Cancelled++
		hs.pair.open.Remove(hs)
	case domain.HandoffRated:
		if r := hs.rating; r.ok && int(r.delivery) == e.Delivery {
			t.Ratings[r.score-1]--
		}
		hs.rating = ratingRef{ok: true, delivery: int32(e.Delivery), score: int8(e.Score)}
		t.Ratings[e.Score-1]++
		t.RatingEvents[e.Score-1]++
	}
}

// observeDelivery tallies the lead time and, under an agreement, the SLA
// outcome of the delivery just folded into hs.
func (m *Model) observeDelivery(hs *handoff) {
	h, p := hs.h, hs.pair
	lead := h.LatestDeliveryAt.Sub(h.RequestedAt)
	p.leadCount++
	p.leadSum.Add(lead, 1)
	if v := lead.Seconds(); v <= m.minIdx {
		p.leadZero++
	} else {
		p.leadBins = addBin(p.leadBins, int32(m.mapping.Index(v)))
	}
	if a := h.Agreement; a != nil {
		if el, _ := h.ResolveElapsed(m.clock(h)); el <= a.ResolveWithin() {
			p.t.OutcomesMet++
		} else {
			p.t.OutcomesBreached++
		}
	}
}
