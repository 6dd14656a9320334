// Package projections feeds read models from the event log.
//
// # Basics
//
// A Runner subscribes to a Source (any eventstore.Store will do) from the
// last position it applied, decodes the domain events and hands each one, in
// log order, to every Handler as an Envelope. Read models implement Handler;
// each guards its own state, so queries may run while events are applied.
//
// The runner's position is the last global position it has dealt with,
// whether the event was applied or skipped. WaitFor(ctx, p) blocks until the
// position reaches p, which gives read-your-writes: after an append returns
// position p, WaitFor(ctx, p) and then query. WaitCaughtUp blocks until the
// runner has dealt with the head of the log as it was when Run started, which
// is the readiness signal.
//
// # Shared hand-off states
//
// The runner folds the state of every hand-off once (domain.EvolveHandoff)
// and hands it to every handler in Envelope.Handoff; handlers keep that
// pointer instead of a copy each, and never modify it (the next event
// makes a new state). Envelopes built without a runner carry none, and
// handlers then fold their own (NextHandoff), with the same result.
//
// The runner keeps only the open hand-offs' states as they are; a closed
// one (delivered or cancelled) it keeps packed (pack.go) and unpacks at
// its next event, and handlers drop their pointer to a closed state
// (Keep). It also numbers the hand-offs (Envelope.Num), so that handlers
// keep what they hold per hand-off in Slots by number rather than in a map
// by ID each; without a runner, Nums numbers them the same way.
//
// # Snapshots
//
// With EnableSnapshots, the runner saves every handler's state (each a
// Snapshotter) and the shared hand-off states at one position into one
// checksummed file, and loads it at its first Run, so that only the tail
// of the log is replayed. snapshot.go describes the file and what makes a
// snapshot be ignored.
//
// With SnapshotConfig.ReloadAfter, a first Run that replayed the log from
// its start writes the snapshot at the event that completes its catch-up,
// drops its handlers' state (each a Resetter) and loads it back from the
// file before it reports caught up: the same state in the memory of a
// loaded one, which a replayed state exceeds by about a third
// (runner_reload.go).
//
// # Skipping
//
//   - Events at or below the position already dealt with are skipped, so a
//     subscription that repeats itself applies nothing twice. Handlers keep
//     their own checkpoint too and skip the same way.
//   - Events whose type is not a domain type (domain.IsDomainType) are
//     skipped: the log may hold other facts.
//   - An event of a domain type whose data does not decode is logged at
//     error level, counted (DecodeErrors) and skipped; the position still
//     moves past it. Stopping instead would freeze every read model behind
//     one bad record, and WaitFor callers would hang; a skipped record costs
//     the figures of one event and leaves a loud trace.
//
// # Caveats
//
// Run returns nil when its context ends and the error when the subscription
// fails; it may be called again afterwards and resumes from the position it
// reached. Only one Run may be active at a time.
package projections
