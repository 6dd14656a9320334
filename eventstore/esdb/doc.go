// Package esdb keeps cadena's events in KurrentDB (formerly EventStoreDB),
// through the EventStore-Client-Go v4 gRPC client.
//
// # Basics
//
// Open parses a connection string and returns a *Store that implements
// eventstore.Store. It does not contact the server: the client connects on
// first use. Ready reads the end of $all and reports whether the server
// answers, which makes it a readiness probe.
//
//	s, err := esdb.Open(ctx, "esdb://localhost:2113?tls=false", esdb.Options{Logger: logger})
//
// Contract streams are KurrentDB streams of the same name. Stream IDs
// starting with '$' are reserved by KurrentDB and refused, as are event
// types starting with '$' (KurrentDB's system events).
//
// Versions and revisions: a contract version counts events (the first event
// has version 1); a KurrentDB revision numbers them from 0. So version =
// revision+1; Exact(n) is sent as Revision(n-1), NoStream as NoStream{}, Any
// as Any{}. A version conflict (ErrorCodeWrongExpectedVersion) is returned
// as eventstore.ErrWrongVersion, wrapping the client's error.
//
// Positions: a global position is the commit position of the event in $all.
// Events appended over gRPC have equal commit and prepare positions, so a
// position p is resumed from as Position{Commit: p, Prepare: p}. No event
// has position 0 (the log starts with a system record), so 0 means "from
// the start". Positions have large gaps.
//
// System events (types starting with '$': stats, projections, stream
// metadata, epochs) are not part of the contract's log: ReadAll and Head
// skip them, Subscribe filters them on the server.
//
// # Appends and retries
//
// KurrentDB keeps no index of event IDs across streams, so the store keeps
// one: before appending, it claims each proposed ID by appending one event
// to a stream of its own, "esdb-eventid-<ID>", with NoStream. The first
// claim succeeds; a later one conflicts, and the reservation names the
// stream the ID was claimed for. An ID claimed for another stream is
// ErrDuplicateID. Reservation events have the system type
// "$cadena-eventid", so ReadAll, Head and Subscribe skip them; contract
// streams may not start with "esdb-eventid-". An ID stays claimed even when
// the append that claimed it fails.
//
// One Append of the events themselves is one AppendToStream call, atomic
// on the server. Event IDs are sent as KurrentDB event IDs, so the
// server's idempotency check applies, but it recognises a retry only when
// the expected revision precedes the retried events; a retry sent with the
// stream's current version would be written again. So, when some IDs were
// claimed before for this stream and the append uses Any or Exact(n), the
// store searches the last Options.RetryWindow events of the stream for the
// proposed IDs: stored in order with the same payloads, the
// append is a retry and their original result is returned; stored
// otherwise, it is ErrDuplicateID. (With NoStream the server itself
// compares the stream's first events.) After a successful append the
// store reads the appended events back: that yields their positions and
// shows whether the server took the append for a retry of events stored
// with a different payload or order (ErrDuplicateID). After a version
// conflict it searches again, as a concurrent retry may have won.
//
// An append of new IDs therefore costs one round trip per event (the
// claims), the append and the read-back of its events; only a retry, or
// a reuse of IDs, also reads up to RetryWindow events.
//
// The limits, which come from KurrentDB having no index of event IDs:
//
//   - Events appended before the store claimed IDs (by an older cadena)
//     have no reservations: their IDs are not protected from reuse in
//     another stream, and a retry of such an append with Any or Exact(n)
//     is written again.
//   - A retry whose events lie further back than RetryWindow events is
//     written again (Any, Exact) or reported as ErrWrongVersion.
//   - Two retries of the same append racing each other can both pass the
//     search; the server's own check then decides.
//   - If the read-back after a successful append fails, Append returns an
//     error although the events are stored; retrying it is safe.
//   - KurrentDB limits the size of a whole append (MaxAppendSize, 1 MiB by
//     default, counting data, metadata and type). The contract allows 1
//     MiB per event, so run the server with a larger limit
//     (KURRENTDB_MAX_APPEND_SIZE); appends it refuses for their size
//     return ErrEventTooLarge.
//
// # Subscriptions
//
// Subscribe opens a catch-up subscription to $all with a server-side filter
// excluding system events. Subscriptions start strictly after the position
// they are given, so when one drops, Subscribe opens a new one from the
// last delivered position: no gap, no duplicate. It retries with a delay
// doubling from Options.MinBackoff to Options.MaxBackoff, reset once
// events flow again, and sleeps a random time between half that delay and
// all of it, so replicas dropped by one outage do not resubscribe in step.
// It stops only when ctx ends, the store closes, or the server refuses for
// good (authentication, permissions).
//
// # Connection recovery
//
// The client gives up for good when node discovery fails (every later call
// returns ErrorCodeConnectionClosed). The store notices, discards that
// client and creates a new one, retrying the refused call once; Ready thus
// turns false while the server is unreachable and true again by itself.
//
// While the client discovers a node it holds calls, ignoring their
// contexts. Every call therefore runs with a deadline (Options.CallTimeout,
// 30 seconds by default; for reads and subscriptions it bounds the opening
// only), and its caller returns at the deadline even if the client has not:
// during an outage no request waits for ever, and a call left inside the
// client ends with its deadline once the client lets it through.
//
// # Closing
//
// Close refuses new calls at once (they return eventstore.ErrClosed), ends
// live subscriptions with ErrClosed, lets appends in progress finish for
// up to 5 seconds, then closes the client once no read uses it.
//
// # Caveats
//
//   - Stream reads need the server to report each event's $all position,
//     which EventStoreDB does from 22.6 on; with older servers ReadStream
//     returns an error.
//   - Reading $all requires a user allowed to (admin by default when
//     access control is on).
//   - Head reads $all backwards past system events, which on an idle
//     server can be many (statistics are written every 30 seconds).
//   - The server reads $all only from positions where a record starts.
//     ReadAll and Subscribe probe the position they are given; for one
//     that is not an event's (Head()-1, say) they read $all backwards from
//     the end to the event before it, which costs a scan of what follows.
//   - Client log lines go to Options.Logger, except warnings the client
//     prints while parsing the connection string (unknown settings).
//
// # Running the conformance suite
//
// The tests that need a server run only when CADENA_ESDB_URL is set. With
// the repository's docker-compose.yml:
//
//	docker compose up -d kurrentdb
//	CADENA_ESDB_URL='esdb://localhost:2113?tls=false' go test ./eventstore/esdb/
//
// The suite shares the server between its tests and may be run against a
// server holding other data. Its check that a 1 MiB event is accepted
// needs KURRENTDB_MAX_APPEND_SIZE raised. The
// other tests of this package need no server: they run the real client
// against a stub gRPC server, and the store, the conformance suite
// included (TestConformanceFake), against an in-memory imitation of
// KurrentDB.
package esdb
