package domain

import (
	"errors"
	"fmt"
)

// Kinds of domain error; test them with errors.Is.
var (
	// ErrInvalid is returned when a command carries an invalid value.
	ErrInvalid = errors.New("invalid value")
	// ErrTransition is returned when a command is not allowed in the
	// current state of a hand-off.
	ErrTransition = errors.New("illegal transition")
	// ErrNotFound is returned when a command refers to a department or
	// hand-off that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a command would reuse an identity, such
	// as requesting a hand-off under an ID that is already taken.
	ErrConflict = errors.New("conflict")
)

// ValidationError names the field that holds an invalid value.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Msg }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// NotFoundError names what a command refers to that does not exist and,
// when a member of the command names it, that member.
type NotFoundError struct {
	Field string // the member at fault ("supplier"); empty for a path's own resource
	What  string // "department"
	ID    string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q: %s", e.What, e.ID, ErrNotFound) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// TransitionError names the command that is not allowed and the state the
// hand-off is in.
type TransitionError struct {
	Command string
	State   State
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot %s a hand-off that is %s", e.Command, e.State)
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }
