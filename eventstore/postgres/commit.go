package postgres

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

// request is one Append waiting for the committer.
type request struct {
	groupcommit.Call[outcome]
	stream   string
	expected eventstore.ExpectedVersion
	events   []eventstore.EventData
	member   groupcommit.Member // its place in an AppendBatch; zero for a lone Append
}

type outcome struct {
	res eventstore.AppendResult
	err error
}

// newQueue returns the committer's queue: batches of at most maxBatch
// events, lingering as Options.Linger says.
func newQueue(maxBatch int, linger time.Duration) *groupcommit.Queue[outcome, *request] {
	return groupcommit.New[outcome](groupcommit.Options{MaxBatch: maxBatch, Linger: linger},
		func(r *request) int { return len(r.events) })
}

// Append adds events to stream atomically and returns once the transaction
// that wrote them committed: the committer goroutine writes the appends
// queued together in one transaction (group commit).
//
// If ctx ends before the committer takes the append, Append returns
// ctx.Err() and nothing is written. Once taken, Append waits for the
// commit. When the server cannot be reached the error wraps
// eventstore.ErrUnavailable; the append may or may not have been committed
// (a connection lost during COMMIT), and a retry with the same event IDs
// returns the original result if it was.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("postgres: append to %q: %w", stream, err)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	req := &request{stream: stream, expected: expected, events: events}
	if err := s.queue.Put(req); err != nil {
		return eventstore.AppendResult{}, err
	}
	o, err := s.queue.Wait(ctx, req)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return o.res, o.err
}

// stored is an event already in the log (or earlier in the same batch), as
// the idempotency check needs it.
type stored struct {
	stream         string
	version        uint64
	position       uint64
	typ            string
	data, metadata []byte
}

// commit settles a batch in one transaction. It takes the append lock
// first, so that this transaction is the only appender of the schema until
// it commits; reads the head, the batch's streams' versions and any stored
// event with one of the batch's IDs; decides each append against the state
// left by those before it; and writes the accepted ones in one INSERT.
// A rejected append never fails the others.
func (s *Store) commit(batch []*request) {
	start := time.Now()
	out := make([]outcome, len(batch))
	defer func() {
		for i, req := range batch {
			req.Answer(out[i])
		}
	}()
	failAll := func(err error) {
		for i, req := range batch {
			out[i] = outcome{err: err}
			req.member.Reject(req.stream)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()

	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		failAll(s.commitError(ctx, err))
		return
	}
	// Released in any state: the pool drops a connection left in a
	// transaction (after a failure), which rolls it back.
	defer conn.Release()
	w, err := s.begin(ctx, conn.Conn(), batch)
	if err != nil {
		failAll(s.commitError(ctx, err))
		return
	}
	if s.testHookLocked != nil {
		s.testHookLocked()
	}
	for i, req := range batch {
		out[i].res, out[i].err = w.apply(req)
	}
	if len(w.ins.ids) == 0 {
		// Nothing to write: retries and rejections only.
		if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
			s.log.Warn("postgres: rollback of a commit that wrote nothing", "err", err)
		}
		return
	}
	if err := w.commit(ctx); err != nil {
		failAll(s.commitError(ctx, err))
		return
	}
	s.broadcast()
	s.announce(w.next - 1)
	if s.onCommit != nil {
		s.onCommit(CommitStats{Appends: len(batch), Events: len(w.ins.ids), Duration: time.Since(start)})
	}
}

// commitError maps a failed commit: the constraints only fail when a
// writer bypassed the append lock; ctx is the commit's own, so its end
// means the server did not answer within CommitTimeout (unreachable, or
// the append lock held that long), which is ErrUnavailable, as an
// unreachable server is.
func (s *Store) commitError(ctx context.Context, err error) error {
	switch {
	case isUnique(err, "events_stream_version_key"):
		return fmt.Errorf("postgres: append: %w: %w", eventstore.ErrWrongVersion, err)
	case isUnique(err, "events_id_key"):
		return fmt.Errorf("postgres: append: %w: %w", eventstore.ErrDuplicateID, err)
	case s.isClosed():
		return eventstore.ErrClosed
	case ctx.Err() != nil:
		return fmt.Errorf("postgres: append: %w: no answer within the commit timeout (%s): %w", eventstore.ErrUnavailable, s.timeout, err)
	}
	return s.fail(ctx, "append", err)
}

// writer decides and writes the appends of one transaction.
type writer struct {
	conn     *pgx.Conn         // in the transaction
	next     uint64            // position of the next event
	at       time.Time         // recorded time of every event of the commit
	versions map[string]uint64 // stream -> version, as the batch leaves it
	ids      map[string]stored // event ID -> stored event, as the batch leaves it
	ins      columns
}

// columns are the rows to insert, column by column (for unnest).
type columns struct {
	positions, versions []int64
	streams, ids, types []string
	data, metadata      [][]byte
}

// begin opens the batch's transaction, takes the append lock and reads
// what the batch's decisions depend on, all in one round trip.
func (s *Store) begin(ctx context.Context, conn *pgx.Conn, batch []*request) (*writer, error) {
	var ids, streams []string
	seen := map[string]bool{}
	for _, req := range batch {
		for _, e := range req.events {
			ids = append(ids, e.ID)
		}
		if !seen[req.stream] {
			seen[req.stream] = true
			streams = append(streams, req.stream)
		}
	}
	w := &writer{conn: conn, versions: map[string]uint64{}, ids: map[string]stored{}}
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	// The statements below are prepared once per connection, and after a
	// few runs the server keeps a generic plan, made with the table's
	// statistics as they were then: on a new, empty table that plan scans
	// the whole table for the IDs, and keeps doing so (4-8 ms a commit
	// with 10,000 events, growing with the log) until an ANALYZE. Every
	// look-up of an append is an index probe whatever the statistics.
	b.Queue("SET LOCAL enable_seqscan = off")
	// The transaction holds the append lock of every replica: if this
	// process stalls or its network vanishes between the two round trips,
	// the server ends the session (and frees the lock) once it has been
	// idle for CommitTimeout, when this side has given up anyway, instead
	// of when TCP keepalive notices, hours later.
	b.Queue(fmt.Sprintf("SET LOCAL idle_in_transaction_session_timeout = %d", max(s.timeout.Milliseconds(), 1)))
	// The lock is its own statement: in READ COMMITTED every later
	// statement takes a new snapshot, so the head read below sees every
	// transaction that held the lock before this one.
	b.Queue("SELECT pg_advisory_xact_lock($1)", s.lock)
	b.Queue("SELECT coalesce(max(position), 0), clock_timestamp() FROM events").QueryRow(func(r pgx.Row) error {
		var head int64
		if err := r.Scan(&head, &w.at); err != nil {
			return err
		}
		w.next = uint64(head) + 1
		w.at = w.at.UTC()
		return nil
	})
	// One backward index probe per stream, whatever its length.
	b.Queue(`SELECT s.stream, e.version FROM unnest($1::text[]) AS s(stream)
		CROSS JOIN LATERAL (SELECT version FROM events WHERE stream = s.stream ORDER BY version DESC LIMIT 1) e`, streams).Query(func(rows pgx.Rows) error {
		var stream string
		var version int64
		_, err := pgx.ForEachRow(rows, []any{&stream, &version}, func() error {
			w.versions[stream] = uint64(version)
			return nil
		})
		return err
	})
	b.Queue("SELECT id::text, stream, version, position, type, data, metadata FROM events WHERE id = ANY($1::uuid[])", ids).Query(func(rows pgx.Rows) error {
		var id string
		var e stored
		var version, position int64
		_, err := pgx.ForEachRow(rows, []any{&id, &e.stream, &version, &position, &e.typ, &e.data, &e.metadata}, func() error {
			e.version, e.position = uint64(version), uint64(position)
			w.ids[id] = e
			return nil
		})
		return err
	})
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if st := conn.PgConn().TxStatus(); st != 'T' {
		// The lock must last until COMMIT: never write outside the transaction.
		return nil, fmt.Errorf("append transaction not open after BEGIN (status %q)", st)
	}
	return w, nil
}

// apply decides req and, if it is accepted, adds its rows to the insert.
func (w *writer) apply(req *request) (eventstore.AppendResult, error) {
	if req.member.Blocked(req.stream) {
		req.member.Reject(req.stream)
		return eventstore.AppendResult{}, fmt.Errorf("postgres: append to %q: %w", req.stream, eventstore.ErrEarlierFailed)
	}
	res, err := w.applyOne(req)
	if err != nil {
		req.member.Reject(req.stream)
	}
	return res, err
}

// applyOne decides req on its own.
func (w *writer) applyOne(req *request) (eventstore.AppendResult, error) {
	if res, retry, err := w.retried(req); err != nil || retry {
		return res, err
	}
	version := w.versions[req.stream]
	if req.expected != eventstore.Any && (req.expected < 0 || uint64(req.expected) != version) {
		return eventstore.AppendResult{}, fmt.Errorf("postgres: append to %q: %w: stream is at version %d, expected %d",
			req.stream, eventstore.ErrWrongVersion, version, req.expected)
	}
	for _, e := range req.events {
		version++
		pos := w.next
		w.next++
		w.ids[e.ID] = stored{stream: req.stream, version: version, position: pos, typ: e.Type, data: e.Data, metadata: e.Metadata}
		w.ins.positions = append(w.ins.positions, int64(pos))
		w.ins.versions = append(w.ins.versions, int64(version))
		w.ins.streams = append(w.ins.streams, req.stream)
		w.ins.ids = append(w.ins.ids, e.ID)
		w.ins.types = append(w.ins.types, e.Type)
		w.ins.data = append(w.ins.data, e.Data)
		w.ins.metadata = append(w.ins.metadata, nonNil(e.Metadata))
	}
	w.versions[req.stream] = version
	return eventstore.AppendResult{Version: version, Position: w.next - 1}, nil
}

// retried reports whether req repeats an append already stored: every ID
// stored in the same stream at consecutive versions, in the same order,
// with the same payload. It returns ErrDuplicateID when some of its IDs are
// stored otherwise.
func (w *writer) retried(req *request) (eventstore.AppendResult, bool, error) {
	var res eventstore.AppendResult
	found := 0
	for i, e := range req.events {
		st, ok := w.ids[e.ID]
		if !ok {
			continue
		}
		found++
		if st.stream != req.stream || st.typ != e.Type || !bytes.Equal(st.data, e.Data) || !bytes.Equal(st.metadata, e.Metadata) ||
			found != i+1 || i > 0 && st.version != res.Version+1 {
			return res, false, fmt.Errorf("postgres: append to %q: %w: event %d (%s) is stored at position %d with another stream, payload or order",
				req.stream, eventstore.ErrDuplicateID, i, e.ID, st.position)
		}
		res = eventstore.AppendResult{Version: st.version, Position: st.position}
	}
	switch found {
	case 0:
		return eventstore.AppendResult{}, false, nil
	case len(req.events):
		return res, true, nil
	}
	return eventstore.AppendResult{}, false, fmt.Errorf("postgres: append to %q: %w: %d of its %d event IDs are already stored",
		req.stream, eventstore.ErrDuplicateID, found, len(req.events))
}

// commit inserts the accepted rows and commits, in one round trip. After
// an error the server skips the rest, and the transaction is left aborted
// for the pool to drop.
func (w *writer) commit(ctx context.Context) error {
	b := &pgx.Batch{}
	c := &w.ins
	b.Queue(`INSERT INTO events (position, stream, version, id, type, data, metadata, recorded_at)
		SELECT p, s, v, i, t, d, m, $8
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[], $7::bytea[]) AS u(p, s, v, i, t, d, m)`,
		c.positions, c.streams, c.versions, c.ids, c.types, c.data, c.metadata, w.at)
	b.Queue("COMMIT")
	return w.conn.SendBatch(ctx, b).Close()
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
