// Package postgres keeps cadena's events in a PostgreSQL database, through
// the pgx driver: the store for an organisation that runs several cadena
// replicas on a database it already operates, backs up and replicates.
//
// # Basics
//
// Open connects, creates or migrates the schema, and returns a *Store that
// implements eventstore.Store:
//
//	s, err := postgres.Open(ctx, "postgres://cadena@db:5432/cadena?sslmode=verify-full", postgres.Options{Logger: logger})
//
// The schema (Options.Schema, or the URL's "schema" parameter; "cadena" by
// default) holds two tables: schema_migrations, the versions of the
// embedded migrations applied, and events, one row per event with its
// global position, stream, version, event ID (uuid), type, data and
// metadata (bytea: the JSON exactly as appended) and recorded time.
// Migrations run in one transaction under a transaction-level advisory
// lock, so replicas that start together take turns and the later ones find
// the work done. A schema migrated by a newer cadena is refused. Only what
// is missing is created, so a role may run cadena on a schema made for it,
// or with only SELECT and INSERT on tables another role migrated.
//
// # Ordering: one appender at a time
//
// A reader moves past a position for good, so a position must never
// become visible after a greater one. With a sequence it would: a
// transaction that took 41 can commit after one that took 42, and a
// subscriber that read 42 skips 41 forever.
//
// This store makes appends take turns instead. Every append transaction
// first takes a transaction-level advisory lock (pg_advisory_xact_lock,
// one key per schema), then, in a later statement, reads the head
// (max(position)) and numbers its events from head+1. In READ COMMITTED
// each statement sees every transaction committed before it began, and the
// lock is released only after the holder's commit is visible, so the next
// holder sees it: positions are dense and become visible in order. A
// reader's snapshot therefore always shows a prefix of the log, and
// "everything after my last position" never misses an event.
//
// A replica that stalls, or loses its network, while it holds the lock
// would hold up every other replica until TCP keepalive noticed: each
// append transaction therefore sets idle_in_transaction_session_timeout to
// Options.CommitTimeout, after which the server ends that session and
// frees the lock, and an append that got no answer within CommitTimeout
// fails with eventstore.ErrUnavailable.
//
// The price is that appends of all replicas are serialized. Group commit
// pays for it: each Store has one committer goroutine that writes the
// appends queued meanwhile in one transaction (one lock, one round trip of
// reads, one INSERT, one COMMIT and WAL flush), so many concurrent writers
// cost few commits; after a commit of several appends it lingers up to
// Options.Linger for their writers to come back, so that each commit
// carries them all. Reading below pg_snapshot_xmin, the other correct
// technique, lets transactions write in parallel but makes every reader
// wait for the slowest writer, and a position is still taken from a
// sequence with gaps; for cadena's small events the lock is simpler and
// fast enough.
//
// AppendBatch queues a whole batch at once, so thousands of appends to as
// many streams share a transaction. The look-ups of a commit run with
// enable_seqscan off: a connection keeps the plans the server made when
// the table was new and small, and a sequential scan for the batch's IDs
// would make every commit as slow as the log is long.
//
// Optimistic concurrency is decided under the lock against the streams'
// versions; the unique constraint on (stream, version) backs it (a writer
// bypassing the lock gets eventstore.ErrWrongVersion). Event IDs are unique
// across the log: an append whose IDs are all stored, in the same stream,
// order and payload, is a retry and returns the original result; an ID
// stored otherwise is eventstore.ErrDuplicateID.
//
// # Subscriptions and outages
//
// Subscribe reads the log page by page from a position, then waits: after
// each commit the store sends a NOTIFY on the schema's channel (outside the
// append transaction, which a NOTIFY would slow down: the server serialises
// notifying commits), one LISTEN connection per Store wakes the
// subscriptions, and they also poll every Options.PollInterval in case a
// notification was lost or the notification connection is down. Commits
// of the same Store wake its subscriptions directly.
// When the server is unreachable, appends and reads fail with an error
// wrapping eventstore.ErrUnavailable (as do appends to a server that takes
// no writes, a standby), Ready fails, and subscriptions retry
// with backoff (Options.MinBackoff to MaxBackoff) rather than end; all
// recover by themselves once the server is back.
//
// # Caveats
//
//   - Open needs the server: it fails when it cannot connect or migrate.
//   - An append interrupted by a lost connection during COMMIT may have
//     been committed; it reports ErrUnavailable, and retrying it with the
//     same event IDs returns the original result.
//   - The connection string is never logged; pgx's parse errors leave out
//     the password.
package postgres
