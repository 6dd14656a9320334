// Package rest is cadena's HTTP transport: JSON over HTTP (Echo) in front of
// the application layer (package api: commands and the hand-off view) and
// the read models (catalog, hand-off index, pair figures).
//
// # Basics
//
// New takes a Config of small interfaces, declared here next to their use
// and satisfied by the concrete service, projections and token list that
// cmd/cadena wires together; Handler returns the http.Handler to serve.
// api/rest/openapi.json describes every route; it is served at /api/openapi.json
// and the tests check every response against it.
//
// Every route under /api/v1 needs "Authorization: Bearer <token>". A
// missing or unknown token gets 401, a known one that may not do what it
// asks 403. /healthz, /readyz, /metrics and /api/openapi.json are open.
//
// Who may do what is the service's rule (see package api), with two
// rules of the API's own: only admins manage departments, and every role
// reads the lists and the figures (pairs, hotspots, scorecards, chain),
// which are aggregates. Lists of hand-offs show members and heads only the
// hand-offs of their department, and never show ratings; a hand-off shows
// its rating and comment only to admins and to its customer department.
//
// # Consistency
//
// Commands are decided against the event log itself; the lists and figures
// come from projections that follow the log. Every write answers with the
// global position it reached, in the body ("position") and in the
// Cadena-Position header. A read given ?min_position=N waits (at most
// Config.MinPositionWait) until the projections have applied position N, and
// answers 503 if they have not by then: a client reads its own writes by
// passing back the position it was given.
//
// # Retries
//
// A write may carry an Idempotency-Key header (1 to 200 printable ASCII
// characters). Retrying it with the same key answers as the first call did
// (same status, same body, same position) and records nothing new. A key
// names one command of one caller (every admin token counting as one) for
// good: reused for a different request
// (another body, or another hand-off, department or agreement) it is a 409.
// A hand-off may also be
// requested under a client-chosen id: requesting it again with the same
// body answers 200 with the existing hand-off, with a different body 409.
// POST /api/v1/handoffs answers 201 when the call (or the first call of an
// idempotent retry) created the hand-off and 200 otherwise.
//
// # Errors
//
// Every error is an RFC 9457 problem (application/problem+json) made by one
// function, problemFor, from the error kinds of the domain, the service and
// the event store. A rejected request records nothing. A 500 says nothing of
// its cause; the cause is logged with the request ID.
package rest
