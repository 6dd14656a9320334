package domain

import (
	"slices"
	"time"
)

// State is where a hand-off stands in its lifecycle.
type State string

// The states of a hand-off. Cancelled is final; delivered is not (the
// customer may return the work).
const (
	StateNone      State = "none" // the hand-off does not exist yet
	StateRequested State = "requested"
	StateAccepted  State = "accepted"
	StatePaused    State = "paused"
	StateDelivered State = "delivered"
	StateReturned  State = "returned"
	StateCancelled State = "cancelled"
)

// States lists every state a hand-off can be in once requested.
var States = []State{StateRequested, StateAccepted, StatePaused, StateDelivered, StateReturned, StateCancelled}

// Handoff is the state of one hand-off, built by folding its events with
// EvolveHandoff. The zero value is a hand-off that does not exist yet.
type Handoff struct {
	ID       string
	Supplier string
	Customer string
	Kind     string
	Title    string
	State    State
	// Agreement is the agreement in force when the hand-off was requested;
	// nil when the pair had none.
	Agreement *AgreementTerms
	// Details is the request's optional free text; empty when none.
	Details string

	RequestedAt      time.Time
	FirstResponseAt  time.Time // first accepted or delivered; zero before
	LatestDeliveryAt time.Time // zero before the first delivery
	Deliveries       int
	Returns          int
	Escalations      int
	// Rating is the rating of the latest delivery; nil when it has none.
	Rating *Rating
	// Owned lists the intervals of supplier-owned time; the last one is
	// open (zero To) while the clock runs.
	Owned []Interval

	Version uint64    // number of events folded
	LastAt  time.Time // business time of the latest event
}

// Rating is the customer's rating of one delivery.
type Rating struct {
	Delivery int
	Score    int
	Comment  string
	At       time.Time
}

// Exists reports whether the hand-off has been requested.
func (h Handoff) Exists() bool { return h.Version > 0 }

// Open reports whether the hand-off is neither delivered nor cancelled.
func (h Handoff) Open() bool {
	return h.Exists() && h.State != StateDelivered && h.State != StateCancelled
}

// Side is the side of a hand-off a command may come from.
type Side uint8

// The sides of a hand-off.
const (
	SideSupplier Side = 1 << iota
	SideCustomer
	SideEither = SideSupplier | SideCustomer
)

// RequestHandoff opens a hand-off. The caller loads both departments and
// the agreement in force for the pair and kind when the request is recorded.
type RequestHandoff struct {
	ID        string
	Supplier  string
	Customer  string
	Kind      string
	Title     string
	At        time.Time
	Agreement *AgreementTerms
	// SupplierDept and CustomerDept are the departments' current states.
	SupplierDept Department
	CustomerDept Department
	// Details is optional free text, at most MaxDetailsLen characters.
	// Left out of the JSON when empty, so the idempotency fingerprint of a
	// request without details is the one it had before details existed.
	Details string `json:",omitempty"`
}

// ValidHandoffID reports whether id can name a hand-off: 1 to 64 ASCII
// letters, digits, dashes and underscores.
func ValidHandoffID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// DecideRequest returns the event that opens h, or an error that names the
// field (ErrInvalid) or ErrConflict when h exists already.
func DecideRequest(h Handoff, c RequestHandoff, now time.Time) ([]Event, error) {
	if !ValidHandoffID(c.ID) {
		return nil, invalid("id", "%q is not a hand-off ID (1 to 64 letters, digits, dashes and underscores)", c.ID)
	}
	if h.Exists() {
		return nil, &conflictError{id: c.ID}
	}
	if err := checkPair(c.Supplier, c.Customer); err != nil {
		return nil, err
	}
	if err := checkSlug("kind", c.Kind); err != nil {
		return nil, err
	}
	if err := checkText("title", c.Title, 1, MaxTitleLen); err != nil {
		return nil, err
	}
	if err := checkText("details", c.Details, 0, MaxDetailsLen); err != nil {
		return nil, err
	}
	if err := checkDepartments(c.SupplierDept, c.CustomerDept, c.Supplier, c.Customer); err != nil {
		return nil, err
	}
	at, err := occurredAt(c.At, time.Time{}, now)
	if err != nil {
		return nil, err
	}
	var terms *AgreementTerms
	if c.Agreement != nil {
		t := *c.Agreement
		terms = &t
	}
	return []Event{HandoffRequested{
		HandoffID: c.ID, Supplier: c.Supplier, Customer: c.Customer,
		Kind: c.Kind, Title: c.Title, Details: c.Details, Agreement: terms, At: at,
	}}, nil
}

type conflictError struct{ id string }

func (e *conflictError) Error() string {
	return "hand-off " + e.id + " already exists"
}
func (e *conflictError) Is(target error) bool { return target == ErrConflict }

// EvolveHandoff folds one event into h. Events of other aggregates leave it
// unchanged.
func EvolveHandoff(h Handoff, e Event) Handoff {
	at := OccurredAt(e)
	switch e := e.(type) {
	case HandoffRequested:
		h = Handoff{
			ID: e.HandoffID, Supplier: e.Supplier, Customer: e.Customer,
			Kind: e.Kind, Title: e.Title, Details: e.Details, Agreement: e.Agreement,
			State: StateRequested, RequestedAt: at,
		}
		h.startClock(at)
	case HandoffAccepted:
		h.State = StateAccepted
		h.respond(at)
	case HandoffPaused:
		h.State = StatePaused
		h.stopClock(at)
	case HandoffResumed:
		h.State = StateAccepted
		h.startClock(at)
	case HandoffDelivered:
		h.State = StateDelivered
		h.Deliveries = e.Delivery
		h.LatestDeliveryAt = at
		h.Rating = nil
		h.respond(at)
		h.stopClock(at)
	case HandoffReturned:
		h.State = StateReturned
		h.Returns++
		h.startClock(at)
	case HandoffEscalated:
		h.Escalations++
	case HandoffCancelled:
		h.State = StateCancelled
		h.stopClock(at)
	case HandoffRated:
		h.Rating = &Rating{Delivery: e.Delivery, Score: e.Score, Comment: e.Comment, At: at}
	default:
		return h
	}
	h.Version++
	h.LastAt = at
	return h
}

func (h *Handoff) respond(at time.Time) {
	if h.FirstResponseAt.IsZero() {
		h.FirstResponseAt = at
	}
}

func (h *Handoff) startClock(at time.Time) {
	if h.ClockRunning() {
		return
	}
	// Copy before appending: states are values and may share history.
	h.Owned = append(slices.Clip(h.Owned), Interval{From: at})
}

func (h *Handoff) stopClock(at time.Time) {
	if !h.ClockRunning() {
		return
	}
	owned := slices.Clone(h.Owned)
	owned[len(owned)-1].To = at
	h.Owned = owned
}
