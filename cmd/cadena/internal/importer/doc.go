// Package importer turns a process-mining event log into cadena hand-offs.
//
// # Basics
//
// A log is a set of cases; each case is a sequence of events, and every
// event carries a time and the working group that recorded it (an attribute
// such as org:group or workgroup). ReadCSV and ReadXES read a log into
// memory, parsing it as a stream (no XES document tree is built), with the
// columns, delimiter and timestamp layouts ReadOptions names; NewPlan maps
// it to departments and hand-offs; Run issues the plan in global time order, in batches, through
// Commands: the application service (api.Service.Batch) or a running
// server (Server, over POST /api/v1/batch), so every event passes the
// domain's validation. Import (the streamed import) decides the commands
// with the target's bulk load instead when it offers one (BulkLoader:
// api.Service.BulkLoad, for the store's sole writer): the same events,
// decided by the domain's decide and evolve on the state it keeps of each
// open hand-off, written while the next commands are decided.
//
// # Mapping
//
// Within a case, events are sorted by time (stable, so ties keep the file's
// order) and consecutive events of the same group form a run. A case with
// runs A, B, C moved twice: A -> B at the first event of B's run, and
// B -> C at the first event of C's run. Each move X -> Y becomes:
//
//   - a hand-off with Y as the supplier (Y now holds the work) and X as the
//     customer (X waits for it), requested and accepted at the first event
//     of Y's run, and delivered when the case leaves Y (the first event of
//     the next run). When Y holds the case at its end, the hand-off is
//     delivered at the case's last event (the case ended there), or left
//     open with PlanOptions.OpenAtEnd, for logs of cases still running.
//   - a return instead, when this case already has a hand-off with Y as
//     the supplier and X as the customer: that hand-off was delivered when
//     the case left Y, and X sends it back. It is returned at the move and
//     delivered again when the case next leaves Y. So A, B, A, B is two
//     hand-offs (B for A, then A for B) and one return (of B for A).
//
// Departments are slugs of the group names (domain.Slug: "Group 3" ->
// "group-3", "Soporte Técnico" -> "soporte-tecnico",
// "EMPTY" -> "empty"; an event without the attribute counts as group
// "(none)"), registered at the first event that names them; one that
// exists already is left as it is (an older log may share it). Hand-off IDs
// are the case ID and the run's index ("case-10011-2"; a case ID that is
// not made of letters, digits, dashes and underscores is cleaned and
// suffixed with a hash of the original). Every command carries an
// idempotency key derived from the hand-off ID and its step, so importing
// the same file again appends nothing.
//
// With a resolve target, one agreement is set on every pair that has a
// hand-off, at the first instant both departments exist, before the pair's
// first request.
//
// # Caveats
//
// Times in logs are usually completion times, so a hand-off's lead time is
// the time from the supplier's first recorded event to the next group's
// first recorded event, and its response time is zero by construction.
// Hand-off IDs do not name the log: importing a different log whose case
// IDs overlap is reported as a conflict rather than silently merged. An
// agreement is dated at the start of its pair in the log, so setting one on
// a pair whose agreement stream already holds a later event fails the
// domain's occurred_at rule: import older logs first, or without
// Options.ResolveWithin.
//
// NewPlan needs the whole log in memory (events of one case may be
// anywhere in the file, and commands go out in global time order), so its
// memory grows with the file. Import (ImportCSV, ImportXES) streams a log
// instead: events are held only to put them in time order (a window of
// events), a case's state only while it is open (until a horizon of log
// time passes without an event of it; an XES trace's case until its last
// event is planned, as the trace holds the whole case), and commands only
// until every open case is past them, so memory follows the open cases.
// An XES trace goes into the window whole when it closes, so the window
// must span the traces that overlap in time. DryRun plans the same way
// and writes nothing.
//
// cadena import runs Import and DryRun only. ReadCSV, ReadXES, NewPlan,
// Run and Plan.PairTable are kept as the whole-log reference the streamed
// path is held to: its tests check that a log within the window imports
// command for command as NewPlan and Run import it, and that DryRun's
// table is PairTable's. A planner that sees the whole log at once is easy
// to check by reading; the streamed one, with its window, horizon and
// frontier, is not.
package importer
