// Package handoffindex is the read model behind the list of hand-offs: one
// summary per hand-off, filtered by pair, department and state, newest
// request first, paged with an opaque cursor.
package handoffindex

import (
	"errors"
	"sync"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/numbering"
)

// Summary is one hand-off as listed. It carries no rating or comment: those
// are shown only on the hand-off itself, to those who may see them.
type Summary struct {
	ID          string       `json:"id"`
	Supplier    string       `json:"supplier"`
	Customer    string       `json:"customer"`
	Kind        string       `json:"kind"`
	Title       string       `json:"title"`
	State       domain.State `json:"state"`
	Escalations int          `json:"escalations"`
	Deliveries  int          `json:"deliveries"`
	Returns     int          `json:"returns"`
	RequestedAt time.Time    `json:"requested_at"`
	// UpdatedAt is the business time of the latest event other than a
	// rating.
	UpdatedAt time.Time `json:"updated_at"`
	// DueAt is when supplier-owned time reaches the resolve target if the
	// clock keeps running (see domain.Handoff.ResolveDueAt); nil when it
	// does not run or there is no agreement.
	DueAt *time.Time `json:"due_at"`
	// Calendar is the calendar of the agreement recorded; empty for the
	// wall clock or no agreement.
	Calendar string `json:"calendar,omitempty"`
	// Position is the global position of the request; the list is ordered
	// by it, newest first.
	Position uint64 `json:"position"`
}

// Filter selects hand-offs. Empty fields match everything.
type Filter struct {
	Supplier string
	Customer string
	State    domain.State
	// Involving keeps hand-offs where this department is supplier or customer.
	Involving string
	// Limit caps the page (default 50, at most 500).
	Limit int
	// Cursor continues a previous page; "" starts from the newest.
	Cursor string
}

// ErrBadCursor is returned for a cursor List did not produce: anything but
// a next-page cursor it gave out, on this process or another.
var ErrBadCursor = errors.New("invalid cursor")

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Index folds hand-off events with domain.EvolveHandoff and lists the
// summaries of the states. Safe for concurrent use.
type Index struct {
	mu       sync.RWMutex
	position uint64
	order    projections.Slots[entry]  // by request position, oldest first: slot i is the i-th request (blocks: see entry)
	byNum    projections.Slots[uint32] // the latest entry of each hand-off, plus one, by Envelope.Num
	nums     projections.Nums          // for envelopes made without a runner
	syms     numbering.Strings
	zones    zones
	cals     domain.Calendars // the latest definition of each calendar
}

// entries are kept in Slots, not a slice: a slice grown by append keeps
// up to a quarter of spare capacity (62 MiB on 10M events) and, as it
// grows, holds the old array beside the new one (near the end of a replay
// of 10M events, 259 MiB beside 323 MiB).
//
// entry is one hand-off as listed: what a summary shows, with the
// departments, kind, calendar and state as numbers of the index's strings
// and the times as instants, and while the hand-off is open its state
// (for its deadline).
type entry struct {
	// h is the state, shared with the other read models and never
	// modified; nil once the hand-off is closed, when the runner folded it
	// (projections.Keep): a closed hand-off has no deadline.
	h         *domain.Handoff
	id, title string
	position  uint64
	requested instant
	// updated is the business time of the latest event but ratings: the
	// list is read by both sides, and a rating must not move it, or the
	// supplier would see when it was given.
	updated                            instant
	supplier, customer, kind, calendar uint32
	state                              uint32
	escalations, deliveries, returns   int32
}

func (x *Index) summary(e *entry) Summary {
	return Summary{ID: e.id, Supplier: x.syms.Text(e.supplier), Customer: x.syms.Text(e.customer),
		Kind: x.syms.Text(e.kind), Title: e.title, State: domain.State(x.syms.Text(e.state)),
		Escalations: int(e.escalations), Deliveries: int(e.deliveries), Returns: int(e.returns),
		RequestedAt: x.zones.time(e.requested), UpdatedAt: x.zones.time(e.updated), Position: e.position}
}

// New returns an empty index.
func New() *Index {
	x := &Index{}
	x.clearState()
	return x
}

var _ projections.Handler = (*Index)(nil)

// Apply folds one event; events at or below the applied position are skipped.
func (x *Index) Apply(env projections.Envelope) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if env.Position <= x.position {
		return
	}
	x.position = env.Position
	if e, ok := env.Event.(domain.CalendarSet); ok {
		x.setCalendar(e)
		return
	}
	id, ok := domain.HandoffOf(env.Event)
	if !ok {
		return
	}
	_, opens := env.Event.(domain.HandoffRequested)
	num := x.nums.Of(env, id, opens)
	var i uint32
	if opens {
		i = uint32(x.order.Len()) + 1
		*x.order.At(i) = entry{position: env.Position}
		*x.byNum.At(num) = i
	} else if p := x.byNum.Get(num); p != nil && *p != 0 {
		i = *p
	} else {
		return // its request was never seen
	}
	e := x.order.Get(i)
	h := env.Handoff // shared with the other read models
	if h == nil {
		var v domain.Handoff
		if e.h != nil {
			v = *e.h
		}
		v = domain.EvolveHandoff(v, env.Event)
		v.Rating = nil // a summary never shows ratings or comments: keep none
		h = &v
	}
	if opens {
		e.id, e.title = h.ID, h.Title
		e.supplier, e.customer, e.kind = x.syms.Of(h.Supplier), x.syms.Of(h.Customer), x.syms.Of(h.Kind)
		e.calendar = 0
		if a := h.Agreement; a != nil {
			e.calendar = x.syms.Of(a.Calendar)
		}
		e.requested = x.zones.instant(h.RequestedAt)
	}
	e.state = x.syms.Of(string(h.State))
	e.escalations, e.deliveries, e.returns = int32(h.Escalations), int32(h.Deliveries), int32(h.Returns)
	if _, rated := env.Event.(domain.HandoffRated); !rated {
		e.updated = x.zones.instant(domain.OccurredAt(env.Event))
	}
	e.h = h
	if env.Handoff != nil && !projections.Keep(h) {
		e.h = nil // what a summary shows is in e
	}
}

// Get returns the summary of one hand-off (of its latest request). It
// scans the entries from the newest: the index keeps no map by ID (the
// runner numbers the hand-offs), and the API reads one hand-off from its
// stream.
func (x *Index) Get(id string) (Summary, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for i := x.order.Len(); i > 0; i-- {
		if e := x.order.Get(uint32(i)); e.id == id {
			return x.withDue(e), true
		}
	}
	return Summary{}, false
}

// List returns one page of hand-offs that match f, newest request first,
// and the cursor of the next page ("" when this is the last).
func (x *Index) List(f Filter) ([]Summary, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	before := uint64(0) // 0: from the newest
	if f.Cursor != "" {
		n, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		before = n
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	m, ok := x.matcher(f)
	if !ok {
		return []Summary{}, "", nil // a department or state no hand-off has
	}
	out := make([]Summary, 0, min(limit, x.order.Len()))
	for i := x.order.Len(); i > 0; i-- {
		e := x.order.Get(uint32(i))
		if before != 0 && e.position >= before {
			continue
		}
		if !m.matches(e) {
			continue
		}
		if len(out) == limit {
			return out, encodeCursor(out[len(out)-1].Position), nil
		}
		out = append(out, x.withDue(e))
	}
	return out, "", nil
}

// matcher is a Filter in the index's numbers; matchAll matches everything.
type matcher struct{ supplier, customer, state, involving uint32 }

const matchAll = ^uint32(0)

// matcher returns f in the index's numbers; false when it names a string
// the index has never seen, which no hand-off matches.
func (x *Index) matcher(f Filter) (matcher, bool) {
	m := matcher{matchAll, matchAll, matchAll, matchAll}
	for _, c := range []struct {
		v   string
		out *uint32
	}{{f.Supplier, &m.supplier}, {f.Customer, &m.customer}, {string(f.State), &m.state}, {f.Involving, &m.involving}} {
		if c.v == "" {
			continue
		}
		n, ok := x.syms.Number(c.v)
		if !ok {
			return m, false
		}
		*c.out = n
	}
	return m, true
}

func (m matcher) matches(e *entry) bool {
	return (m.supplier == matchAll || e.supplier == m.supplier) &&
		(m.customer == matchAll || e.customer == m.customer) &&
		(m.state == matchAll || e.state == m.state) &&
		(m.involving == matchAll || e.supplier == m.involving || e.customer == m.involving)
}
