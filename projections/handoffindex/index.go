// Package handoffindex is the read model behind the list of hand-offs: one
// summary per hand-off, filtered by pair, department and state, newest
// request first, paged with an opaque cursor.
package handoffindex

import (
	"errors"
	"strconv"
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
	UpdatedAt   time.Time    `json:"updated_at"`
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

// ErrBadCursor is returned for a cursor List did not produce.
var ErrBadCursor = errors.New("invalid cursor")

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Index folds hand-off events into summaries. Safe for concurrent use.
type Index struct {
	mu       sync.RWMutex
	position uint64
	order    []*Summary // by request position, oldest first
	byID     map[string]*Summary
	clocks   map[*Summary]*clock
	cals     map[string]*domain.WorkCalendar
}

// New returns an empty index.
func New() *Index { return &Index{byID: map[string]*Summary{}} }

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
	if e, ok := env.Event.(domain.HandoffRequested); ok {
		s := &Summary{ID: e.HandoffID, Supplier: e.Supplier, Customer: e.Customer, Kind: e.Kind, Title: e.Title,
			State: domain.StateRequested, RequestedAt: e.At, UpdatedAt: e.At, Position: env.Position}
		x.order = append(x.order, s)
		x.byID[e.HandoffID] = s
		x.track(s, e)
		return
	}
	id, ok := domain.HandoffOf(env.Event)
	if !ok {
		return
	}
	s, found := x.byID[id]
	if !found {
		return
	}
	s.UpdatedAt = env.Event.OccurredAt()
	x.track(s, env.Event)
	switch e := env.Event.(type) {
	case domain.HandoffAccepted, domain.HandoffResumed:
		s.State = domain.StateAccepted
	case domain.HandoffPaused:
		s.State = domain.StatePaused
	case domain.HandoffDelivered:
		s.State = domain.StateDelivered
		s.Deliveries = e.Delivery
	case domain.HandoffReturned:
		s.State = domain.StateReturned
		s.Returns++
	case domain.HandoffEscalated:
		s.Escalations++
	case domain.HandoffCancelled:
		s.State = domain.StateCancelled
	}
}

// Get returns the summary of one hand-off.
func (x *Index) Get(id string) (Summary, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.byID[id]
	if !ok {
		return Summary{}, false
	}
	return *s, true
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
		n, err := strconv.ParseUint(f.Cursor, 36, 64)
		if err != nil || n == 0 {
			return nil, "", ErrBadCursor
		}
		before = n
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]Summary, 0, min(limit, len(x.order)))
	for i := len(x.order) - 1; i >= 0; i-- {
		s := x.order[i]
		if before != 0 && s.Position >= before {
			continue
		}
		if !f.matches(s) {
			continue
		}
		if len(out) == limit {
			return out, strconv.FormatUint(out[len(out)-1].Position, 36), nil
		}
		out = append(out, *s)
	}
	return out, "", nil
}

func (f Filter) matches(s *Summary) bool {
	return (f.Supplier == "" || s.Supplier == f.Supplier) &&
		(f.Customer == "" || s.Customer == f.Customer) &&
		(f.State == "" || s.State == f.State) &&
		(f.Involving == "" || s.Supplier == f.Involving || s.Customer == f.Involving)
}
