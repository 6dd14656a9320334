package domain

import "time"

// Event type names. They are stored with every event and never change: a
// change to an event's JSON gets a new version suffix.
const (
	TypeDepartmentRegistered = "department.registered.v1"
	TypeDepartmentRenamed    = "department.renamed.v1"
	TypeDepartmentRetired    = "department.retired.v1"
	TypeAgreementSet         = "agreement.set.v2"
	TypeHandoffRequested     = "handoff.requested.v2"
	TypeHandoffAccepted      = "handoff.accepted.v1"
	TypeHandoffPaused        = "handoff.paused.v1"
	TypeHandoffResumed       = "handoff.resumed.v1"
	TypeHandoffDelivered     = "handoff.delivered.v1"
	TypeHandoffReturned      = "handoff.returned.v1"
	TypeHandoffEscalated     = "handoff.escalated.v1"
	TypeHandoffCancelled     = "handoff.cancelled.v1"
	TypeHandoffRated         = "handoff.rated.v1"
)

// Event is a fact recorded by the domain: a value of one of the types of
// the event registry (registry.go), which gives its type name, its business
// time and the hand-off it belongs to.
type Event any

// DepartmentRegistered records a new department.
type DepartmentRegistered struct {
	DepartmentID string    `json:"department_id"`
	Name         string    `json:"name"`
	At           time.Time `json:"occurred_at"`
}

// DepartmentRenamed records a new display name.
type DepartmentRenamed struct {
	DepartmentID string    `json:"department_id"`
	Name         string    `json:"name"`
	At           time.Time `json:"occurred_at"`
}

// DepartmentRetired records that a department receives no new hand-offs.
type DepartmentRetired struct {
	DepartmentID string    `json:"department_id"`
	At           time.Time `json:"occurred_at"`
}

// AgreementSet records the targets a supplier commits to for a customer,
// for every kind of hand-off (Kind empty) or for one kind.
type AgreementSet struct {
	Supplier       string    `json:"supplier"`
	Customer       string    `json:"customer"`
	Kind           string    `json:"kind,omitempty"`
	ResolveWithinS int64     `json:"resolve_within_s"`
	RespondWithinS int64     `json:"respond_within_s,omitempty"`
	Calendar       string    `json:"calendar,omitempty"`
	At             time.Time `json:"occurred_at"`
}

// HandoffRequested opens a hand-off. Agreement is the agreement in force
// when the request was recorded, nil when the pair has none. Details is
// optional (left out when empty; events recorded before it existed have
// none).
type HandoffRequested struct {
	HandoffID string          `json:"handoff_id"`
	Supplier  string          `json:"supplier"`
	Customer  string          `json:"customer"`
	Kind      string          `json:"kind"`
	Title     string          `json:"title"`
	Details   string          `json:"details,omitempty"`
	Agreement *AgreementTerms `json:"agreement"`
	At        time.Time       `json:"occurred_at"`
}

// HandoffAccepted records that the supplier took the work on.
type HandoffAccepted struct {
	HandoffID string    `json:"handoff_id"`
	At        time.Time `json:"occurred_at"`
}

// HandoffPaused records that the supplier waits on the customer.
type HandoffPaused struct {
	HandoffID string    `json:"handoff_id"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"occurred_at"`
}

// HandoffResumed records that the wait on the customer is over.
type HandoffResumed struct {
	HandoffID string    `json:"handoff_id"`
	At        time.Time `json:"occurred_at"`
}

// HandoffDelivered records a delivery; Delivery counts them from 1.
type HandoffDelivered struct {
	HandoffID string    `json:"handoff_id"`
	Delivery  int       `json:"delivery"`
	Note      string    `json:"note,omitempty"`
	At        time.Time `json:"occurred_at"`
}

// HandoffReturned records that the customer sent a delivery back for rework.
type HandoffReturned struct {
	HandoffID string    `json:"handoff_id"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"occurred_at"`
}

// HandoffEscalated records that the customer escalated; the state is unchanged.
type HandoffEscalated struct {
	HandoffID string    `json:"handoff_id"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"occurred_at"`
}

// HandoffCancelled records that the customer withdrew the request.
type HandoffCancelled struct {
	HandoffID string    `json:"handoff_id"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"occurred_at"`
}

// HandoffRated records the customer's rating of a delivery. A later rating
// of the same delivery replaces it.
type HandoffRated struct {
	HandoffID string    `json:"handoff_id"`
	Delivery  int       `json:"delivery"`
	Score     int       `json:"score"`
	Comment   string    `json:"comment,omitempty"`
	At        time.Time `json:"occurred_at"`
}

// Stream IDs.

// DepartmentStream returns the stream of a department.
func DepartmentStream(id string) string { return "department-" + id }

// AgreementStream returns the stream of the agreements of a pair. Slugs hold
// no dots, so the name is unambiguous.
func AgreementStream(supplier, customer string) string {
	return "agreement-" + supplier + "." + customer
}

// HandoffStream returns the stream of a hand-off.
func HandoffStream(id string) string { return "handoff-" + id }
