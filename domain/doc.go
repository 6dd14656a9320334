// Package domain holds cadena's business rules as a pure fold: departments,
// the internal service agreements between them, and the lifecycle of a
// hand-off from a supplier department to a customer department.
//
// # Basics
//
// Every aggregate follows the same shape:
//
//	Decide(state, command, now) -> (events, error)
//	Evolve(state, event) -> state
//
// Decide validates a command against the current state and returns the
// events that record it; Evolve folds one event into the state. Neither reads
// a clock, a store or the network: the caller passes "now" as a value, loads
// the state by folding the stream, and appends the events.
//
// The hand-off lifecycle is one table, Commands (lifecycle.go): each row
// names a command, who may issue it, the states it is allowed from, the
// members of its request body and its decide function. DecideHandoff looks a
// HandoffCommand's row up by name; DecideRequest opens a hand-off. Callers
// (the HTTP routes, authorization, the demo, the importer) read the table
// rather than listing commands themselves.
//
// The events have one registry (registry.go): one row per type name with its
// Go type, business time and hand-off ID, read by EventType, OccurredAt,
// HandoffOf, Encode and Decode. An Event is a value of a registered type.
//
// Event type names are explicit, stable and versioned ("handoff.requested.v1");
// their JSON is documented in the README and pinned by golden files in
// testdata/, so a change to an event's JSON fails a test unless the version
// changes too.
//
// # Streams
//
//   - department-<id>: department.registered.v1, .renamed.v1, .retired.v1
//   - agreement-<supplier>.<customer>: agreement.set.v2 (all kinds of the pair;
//     agreement.set.v1, without a calendar, still decodes)
//   - calendar-<id>: calendar.set.v1 (a business-hours calendar, whole)
//   - handoff-<id>: handoff.requested.v2 (v1 still decodes) ... handoff.rated.v1
//
// # Errors
//
// Errors carry a kind that the API maps to a status: ErrInvalid (a
// *ValidationError naming the field; 422), ErrTransition (a
// *TransitionError naming the state and the command; 409), ErrNotFound (404)
// and ErrConflict (409).
package domain
