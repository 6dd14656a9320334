package domain

import (
	"encoding/json"
	"fmt"
	"time"
)

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

// Event is a fact recorded by the domain.
type Event interface {
	// EventType returns the stable type name, such as "handoff.requested.v1".
	EventType() string
	// OccurredAt returns the business time of the fact.
	OccurredAt() time.Time
}

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
// when the request was recorded, nil when the pair has none.
type HandoffRequested struct {
	HandoffID string          `json:"handoff_id"`
	Supplier  string          `json:"supplier"`
	Customer  string          `json:"customer"`
	Kind      string          `json:"kind"`
	Title     string          `json:"title"`
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

func (DepartmentRegistered) EventType() string { return TypeDepartmentRegistered }
func (DepartmentRenamed) EventType() string    { return TypeDepartmentRenamed }
func (DepartmentRetired) EventType() string    { return TypeDepartmentRetired }
func (AgreementSet) EventType() string         { return TypeAgreementSet }
func (HandoffRequested) EventType() string     { return TypeHandoffRequested }
func (HandoffAccepted) EventType() string      { return TypeHandoffAccepted }
func (HandoffPaused) EventType() string        { return TypeHandoffPaused }
func (HandoffResumed) EventType() string       { return TypeHandoffResumed }
func (HandoffDelivered) EventType() string     { return TypeHandoffDelivered }
func (HandoffReturned) EventType() string      { return TypeHandoffReturned }
func (HandoffEscalated) EventType() string     { return TypeHandoffEscalated }
func (HandoffCancelled) EventType() string     { return TypeHandoffCancelled }
func (HandoffRated) EventType() string         { return TypeHandoffRated }

func (e DepartmentRegistered) OccurredAt() time.Time { return e.At }
func (e DepartmentRenamed) OccurredAt() time.Time    { return e.At }
func (e DepartmentRetired) OccurredAt() time.Time    { return e.At }
func (e AgreementSet) OccurredAt() time.Time         { return e.At }
func (e HandoffRequested) OccurredAt() time.Time     { return e.At }
func (e HandoffAccepted) OccurredAt() time.Time      { return e.At }
func (e HandoffPaused) OccurredAt() time.Time        { return e.At }
func (e HandoffResumed) OccurredAt() time.Time       { return e.At }
func (e HandoffDelivered) OccurredAt() time.Time     { return e.At }
func (e HandoffReturned) OccurredAt() time.Time      { return e.At }
func (e HandoffEscalated) OccurredAt() time.Time     { return e.At }
func (e HandoffCancelled) OccurredAt() time.Time     { return e.At }
func (e HandoffRated) OccurredAt() time.Time         { return e.At }

// Encode returns the JSON of an event.
func Encode(e Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", e.EventType(), err)
	}
	return b, nil
}

// Decode parses the JSON of an event of the given type. It returns an error
// for an unknown type; callers that fold a log of mixed streams skip those
// with IsDomainType.
func Decode(eventType string, data []byte) (Event, error) {
	var e Event
	var err error
	switch eventType {
	case TypeDepartmentRegistered:
		e, err = decode[DepartmentRegistered](data)
	case TypeDepartmentRenamed:
		e, err = decode[DepartmentRenamed](data)
	case TypeDepartmentRetired:
		e, err = decode[DepartmentRetired](data)
	case TypeAgreementSet, TypeAgreementSetV1:
		e, err = decode[AgreementSet](data)
	case TypeCalendarSet:
		e, err = decode[CalendarSet](data)
	case TypeHandoffRequested, TypeHandoffRequestedV1:
		e, err = decode[HandoffRequested](data)
	case TypeHandoffAccepted:
		e, err = decode[HandoffAccepted](data)
	case TypeHandoffPaused:
		e, err = decode[HandoffPaused](data)
	case TypeHandoffResumed:
		e, err = decode[HandoffResumed](data)
	case TypeHandoffDelivered:
		e, err = decode[HandoffDelivered](data)
	case TypeHandoffReturned:
		e, err = decode[HandoffReturned](data)
	case TypeHandoffEscalated:
		e, err = decode[HandoffEscalated](data)
	case TypeHandoffCancelled:
		e, err = decode[HandoffCancelled](data)
	case TypeHandoffRated:
		e, err = decode[HandoffRated](data)
	default:
		return nil, fmt.Errorf("decoding event: unknown type %q", eventType)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", eventType, err)
	}
	return e, nil
}

// IsDomainType reports whether Decode knows eventType.
func IsDomainType(eventType string) bool {
	switch eventType {
	case TypeDepartmentRegistered, TypeDepartmentRenamed, TypeDepartmentRetired,
		TypeAgreementSet, TypeAgreementSetV1, TypeCalendarSet, TypeHandoffRequestedV1,
		TypeHandoffRequested, TypeHandoffAccepted, TypeHandoffPaused, TypeHandoffResumed,
		TypeHandoffDelivered, TypeHandoffReturned, TypeHandoffEscalated, TypeHandoffCancelled,
		TypeHandoffRated:
		return true
	}
	return false
}

func decode[T Event](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
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

// HandoffOf returns the ID of the hand-off an event belongs to, and false
// for events of other aggregates.
func HandoffOf(e Event) (string, bool) {
	switch e := e.(type) {
	case HandoffRequested:
		return e.HandoffID, true
	case HandoffAccepted:
		return e.HandoffID, true
	case HandoffPaused:
		return e.HandoffID, true
	case HandoffResumed:
		return e.HandoffID, true
	case HandoffDelivered:
		return e.HandoffID, true
	case HandoffReturned:
		return e.HandoffID, true
	case HandoffEscalated:
		return e.HandoffID, true
	case HandoffCancelled:
		return e.HandoffID, true
	case HandoffRated:
		return e.HandoffID, true
	}
	return "", false
}
