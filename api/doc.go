// Package api is cadena's application layer: the use cases every transport
// (the HTTP API in package rest, the importer, the demo) calls on behalf of
// an authenticated actor, and the one path every command takes from that
// actor to the event log. It knows the domain and the event store contract,
// never HTTP.
//
// For each command it loads the aggregate by folding its stream, checks that
// the actor may issue it, decides with the pure domain functions, and appends
// the resulting events with the stream version it read as the expected
// version. When another writer got there first (eventstore.ErrWrongVersion)
// it reloads and decides again, so a racing command is never silently lost:
// it either succeeds against the new state or fails with the domain's error.
//
// # Idempotency
//
// A command carrying an idempotency key gets deterministic event IDs derived
// from the caller's scope and the key: each token's own, while admins share
// one scope (an import sent through any admin token, or written directly by
// the importer, is the same commands). A retry finds its own events in the stream and
// answers as the first call did, appending nothing; the event store's own
// idempotency covers the race of two identical retries. Because the IDs live
// in the log, keys survive restarts and never expire. The same key reused by
// the same scope for a different command is a conflict.
//
// # Authorization
//
// Admins may do everything. A member of department D may request hand-offs
// where D is the supplier or the customer, issue supplier commands where D is
// the supplier, customer commands where D is the customer, resume on either
// side, and read hand-offs that involve D. A head of D may also set the
// agreements where D is the supplier. Individual ratings and comments are
// shown only to admins and to the customer (rating) department.
package api
