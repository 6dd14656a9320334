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
	order    []*entry // by request position, oldest first
	byID     map[string]*entry
	cals     domain.Calendars // the latest definition of each calendar
}

// entry is one hand-off: its state, folded by the domain, and the position
// of its request.
type entry struct {
	h        *domain.Handoff // shared with the other read models: never modified
	position uint64
	// updatedAt is the business time of the latest event but ratings: the
	// list is read by both sides, and a rating must not move it, or the
	// supplier would see when it was given.
	updatedAt time.Time
}

func (e *entry) summary() Summary {
	h := e.h
	return Summary{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer, Kind: h.Kind, Title: h.Title,
		State: h.State, Escalations: h.Escalations, Deliveries: h.Deliveries, Returns: h.Returns,
		RequestedAt: h.RequestedAt, UpdatedAt: e.updatedAt, Position: e.position}
}

// New returns an empty index.
func New() *Index { return &Index{byID: map[string]*entry{}} }

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
	e, found := x.byID[id]
	if _, opens := env.Event.(domain.HandoffRequested); opens {
		e = &entry{position: env.Position}
		x.order = append(x.order, e)
		x.byID[id] = e
	} else if !found {
		return // its request was never seen
	}
	if env.Handoff != nil {
		e.h = env.Handoff // shared with the other read models
	} else {
		var h domain.Handoff
		if e.h != nil {
			h = *e.h
		}
		h = domain.EvolveHandoff(h, env.Event)
		h.Rating = nil // a summary never shows ratings or comments: keep none
		e.h = &h
	}
	if _, rated := env.Event.(domain.HandoffRated); !rated {
		e.updatedAt = domain.OccurredAt(env.Event)
	}
}

// Get returns the summary of one hand-off.
func (x *Index) Get(id string) (Summary, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	e, ok := x.byID[id]
	if !ok {
		return Summary{}, false
	}
	return x.withDue(e), true
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
	out := make([]Summary, 0, min(limit, len(x.order)))
	for i := len(x.order) - 1; i >= 0; i-- {
		e := x.order[i]
		if before != 0 && e.position >= before {
			continue
		}
		if !f.matches(e.h) {
			continue
		}
		if len(out) == limit {
			return out, encodeCursor(out[len(out)-1].Position), nil
		}
		out = append(out, x.withDue(e))
	}
	return out, "", nil
}

func (f Filter) matches(h *domain.Handoff) bool {
	return (f.Supplier == "" || h.Supplier == f.Supplier) &&
		(f.Customer == "" || h.Customer == f.Customer) &&
		(f.State == "" || h.State == f.State) &&
		(f.Involving == "" || h.Supplier == f.Involving || h.Customer == f.Involving)
}
