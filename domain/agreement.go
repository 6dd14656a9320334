package domain

import "time"

// AgreementTerms are the targets of one agreement, as recorded on every
// hand-off requested while it is in force.
type AgreementTerms struct {
	// Version is the version of the pair's agreement stream that set these
	// terms.
	Version        uint64 `json:"version"`
	Kind           string `json:"kind,omitempty"`
	ResolveWithinS int64  `json:"resolve_within_s"`
	RespondWithinS int64  `json:"respond_within_s,omitempty"`
	// Calendar is the ID of the business-hours calendar the clock counts
	// in; empty for the wall clock.
	Calendar string `json:"calendar,omitempty"`
}

// ResolveWithin is the target for supplier-owned time to final delivery.
func (t AgreementTerms) ResolveWithin() time.Duration {
	return time.Duration(t.ResolveWithinS) * time.Second
}

// RespondWithin is the target from request to first response; 0 when none.
func (t AgreementTerms) RespondWithin() time.Duration {
	return time.Duration(t.RespondWithinS) * time.Second
}

// Agreements is the state of one supplier -> customer pair's agreements: one
// for every kind (key "") and any narrowed to one kind.
type Agreements struct {
	Supplier string
	Customer string
	ByKind   map[string]AgreementTerms
	Version  uint64
	LastAt   time.Time
}

// InForce returns the agreement that applies to a hand-off of the given
// kind: the one for that kind if set, else the one for every kind.
func (a Agreements) InForce(kind string) (AgreementTerms, bool) {
	if t, ok := a.ByKind[kind]; ok {
		return t, true
	}
	t, ok := a.ByKind[""]
	return t, ok
}

// SetAgreement sets the targets for a pair, optionally for one kind only.
type SetAgreement struct {
	Supplier      string
	Customer      string
	Kind          string
	ResolveWithin time.Duration
	RespondWithin time.Duration
	// Calendar names the business-hours calendar the clock counts in;
	// empty for the wall clock. CalendarVersion is the version of its
	// stream, loaded by the caller: 0 when it does not exist.
	Calendar        string
	CalendarVersion uint64
	At              time.Time
}

// MaxTarget bounds agreement targets.
const MaxTarget = 366 * 24 * time.Hour

// DecideSetAgreement returns the event that sets an agreement. The
// departments must exist; supplier and customer must differ.
func DecideSetAgreement(a Agreements, supplier, customer Department, cmd SetAgreement, now time.Time) ([]Event, error) {
	if err := checkPair(cmd.Supplier, cmd.Customer); err != nil {
		return nil, err
	}
	if cmd.Kind != "" {
		if err := checkSlug("kind", cmd.Kind); err != nil {
			return nil, err
		}
	}
	if err := checkDepartments(supplier, customer, cmd.Supplier, cmd.Customer); err != nil {
		return nil, err
	}
	if cmd.ResolveWithin < time.Second || cmd.ResolveWithin > MaxTarget {
		return nil, invalid("resolve_within", "must be from 1s to %s, got %s", MaxTarget, cmd.ResolveWithin)
	}
	if cmd.RespondWithin < 0 || cmd.RespondWithin > MaxTarget {
		return nil, invalid("respond_within", "must be from 0 (none) to %s, got %s", MaxTarget, cmd.RespondWithin)
	}
	if cmd.RespondWithin%time.Second != 0 || cmd.ResolveWithin%time.Second != 0 {
		return nil, invalid("resolve_within", "targets are whole seconds")
	}
	if err := checkAgreementCalendar(cmd); err != nil {
		return nil, err
	}
	at, err := occurredAt(cmd.At, a.LastAt, now)
	if err != nil {
		return nil, err
	}
	return []Event{AgreementSet{Calendar: cmd.Calendar,
		Supplier: cmd.Supplier, Customer: cmd.Customer, Kind: cmd.Kind,
		ResolveWithinS: int64(cmd.ResolveWithin / time.Second),
		RespondWithinS: int64(cmd.RespondWithin / time.Second),
		At:             at,
	}}, nil
}

// EvolveAgreements folds one event into a.
func EvolveAgreements(a Agreements, e Event) Agreements {
	set, ok := e.(AgreementSet)
	if !ok {
		return a
	}
	a.Version++
	a.Supplier, a.Customer, a.LastAt = set.Supplier, set.Customer, set.At
	byKind := make(map[string]AgreementTerms, len(a.ByKind)+1)
	for k, v := range a.ByKind {
		byKind[k] = v
	}
	byKind[set.Kind] = AgreementTerms{
		Version: a.Version, Kind: set.Kind,
		ResolveWithinS: set.ResolveWithinS, RespondWithinS: set.RespondWithinS, Calendar: set.Calendar,
	}
	a.ByKind = byKind
	return a
}

func checkPair(supplier, customer string) error {
	if err := checkSlug("supplier", supplier); err != nil {
		return err
	}
	if err := checkSlug("customer", customer); err != nil {
		return err
	}
	if supplier == customer {
		return invalid("customer", "must differ from the supplier (%q)", supplier)
	}
	return nil
}

// checkDepartments checks that both departments exist and are not retired.
func checkDepartments(supplier, customer Department, supplierID, customerID string) error {
	if !supplier.Exists() {
		return &NotFoundError{Field: "supplier", What: "department", ID: supplierID}
	}
	if !customer.Exists() {
		return &NotFoundError{Field: "customer", What: "department", ID: customerID}
	}
	if supplier.Retired {
		return invalid("supplier", "department %q is retired", supplierID)
	}
	if customer.Retired {
		return invalid("customer", "department %q is retired", customerID)
	}
	return nil
}
