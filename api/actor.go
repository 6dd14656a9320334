package api

import (
	"errors"
	"fmt"

	"github.com/cadena-project/cadena/domain"
)

// Role is what a token may do.
type Role string

// The roles.
const (
	RoleAdmin  Role = "admin"
	RoleHead   Role = "head"
	RoleMember Role = "member"
)

// ErrForbidden is returned when the actor may not issue a command or read a
// hand-off.
var ErrForbidden = errors.New("forbidden")

// Actor is the authenticated caller.
type Actor struct {
	// Name is the token's name; it is recorded in every event's metadata.
	Name       string
	Role       Role
	Department string // empty for admins
}

// IsAdmin reports whether the actor may do everything.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// sides returns the sides of a supplier -> customer pair the actor stands on.
func (a Actor) sides(supplier, customer string) domain.Side {
	if a.IsAdmin() {
		return domain.SideEither
	}
	var s domain.Side
	if a.Department == supplier {
		s |= domain.SideSupplier
	}
	if a.Department == customer {
		s |= domain.SideCustomer
	}
	return s
}

// readScope returns the department whose hand-offs the actor may list;
// "" for all (admins).
func (a Actor) readScope() string {
	if a.IsAdmin() {
		return ""
	}
	return a.Department
}

// CanRead reports whether the actor may read a hand-off between supplier
// and customer.
func (a Actor) CanRead(supplier, customer string) bool {
	return a.sides(supplier, customer) != 0
}

// CanSeeRatings reports whether the actor may see the individual ratings
// and comments of a hand-off: admins and the customer department.
func (a Actor) CanSeeRatings(customer string) bool {
	return a.IsAdmin() || a.Department == customer
}

// mayIssue checks the actor against the side of the hand-off the lifecycle
// table lets issue the command.
func (a Actor) mayIssue(command string, supplier, customer string) error {
	if a.sides(supplier, customer) == 0 {
		// Name neither party: an outsider may not learn who they are.
		return fmt.Errorf("%w: %s %q may not %s a hand-off that does not involve %s",
			ErrForbidden, a.Role, a.Name, command, a.Department)
	}
	sides, _ := domain.CommandSides(command)
	if a.sides(supplier, customer)&sides == 0 {
		return fmt.Errorf("%w: %s %q may not %s a hand-off from %s to %s",
			ErrForbidden, a.Role, a.Name, command, supplier, customer)
	}
	return nil
}

// MaySetAgreement returns nil when the actor may set the agreements where
// supplier is the supplier (admins and the supplier's head), and an
// ErrForbidden otherwise. The agreement use case checks it; a transport
// may check it first too, to refuse before it reads a request's body.
func (a Actor) MaySetAgreement(supplier string) error {
	if a.IsAdmin() || a.Role == RoleHead && a.Department == supplier {
		return nil
	}
	return fmt.Errorf("%w: only an admin or the head of %s may set its agreements", ErrForbidden, supplier)
}

// MayManageDepartments returns nil when the actor may register, rename
// and retire departments (admins), and an ErrForbidden otherwise. The
// department use cases check it; a transport may check it first too, to
// refuse before it reads a request's body.
func (a Actor) MayManageDepartments() error {
	if a.IsAdmin() {
		return nil
	}
	return fmt.Errorf("%w: only an admin may manage departments (%s %q)", ErrForbidden, a.Role, a.Name)
}

// MaySendBatch returns nil when the actor may send commands in batches
// (admins: a batch is how an organisation's history is loaded), and an
// ErrForbidden otherwise. Batch checks it; a transport may check it first
// too, to refuse before it reads a request's body.
func (a Actor) MaySendBatch() error {
	if a.IsAdmin() {
		return nil
	}
	return fmt.Errorf("%w: only an admin may send a batch (%s %q)", ErrForbidden, a.Role, a.Name)
}

// MayTakeBackup returns nil when the actor may copy the whole event store
// (admins), and an ErrForbidden otherwise.
func (a Actor) MayTakeBackup() error {
	if a.IsAdmin() {
		return nil
	}
	return fmt.Errorf("%w: only an admin may take a backup (%s %q)", ErrForbidden, a.Role, a.Name)
}

// MayManageCalendars returns nil when the actor may define calendars and
// import their holidays (admins), and an ErrForbidden otherwise. The
// calendar use cases check it; a transport may check it first too.
func (a Actor) MayManageCalendars() error {
	if a.IsAdmin() {
		return nil
	}
	return fmt.Errorf("%w: only an admin may manage calendars (%s %q)", ErrForbidden, a.Role, a.Name)
}

// redact returns h as the actor may see it: without its rating unless the
// actor may see ratings.
func (a Actor) redact(h domain.Handoff) domain.Handoff {
	if !a.CanSeeRatings(h.Customer) {
		h.Rating = nil
	}
	return h
}
