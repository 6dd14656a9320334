package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/internal/groupcommit"
)

var _ eventstore.Store = (*Store)(nil)

// Options tunes a Store. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema that holds cadena's tables; it is
	// created if missing. Empty means the URL's "schema" parameter, or
	// "cadena" without one. It must match [a-z_][a-z0-9_]{0,39}.
	Schema string
	// Logger receives the store's warnings (a subscription or the
	// notification listener reconnecting). Nil discards them. Connection
	// strings, and so passwords, are never logged.
	Logger *slog.Logger
	// OnCommit, when not nil, is called by the committer goroutine after
	// each commit that wrote events, before the appends it covers return.
	// It must be quick and must not call the Store.
	OnCommit func(CommitStats)
	// PollInterval is how often an idle subscription reads the log when no
	// notification woke it: the fallback for a lost LISTEN connection.
	// Zero means one second.
	PollInterval time.Duration
	// MinBackoff and MaxBackoff bound the wait before a subscription or
	// the listener tries the server again after it became unreachable; it
	// doubles from MinBackoff. Zero means 100ms and 5s.
	MinBackoff, MaxBackoff time.Duration
	// MaxBatchEvents caps the events gathered into one commit; the appends
	// beyond it wait for the next one. Zero means 4096. A single append
	// larger than the cap is committed alone.
	MaxBatchEvents int
	// Linger is how long the committer may wait, after a commit of
	// several appends, for those appends' writers to come back before it
	// starts the next commit, so that a steady stream of writers fills
	// each commit. Zero means 2ms; negative means never wait.
	Linger time.Duration
	// CommitTimeout bounds one commit transaction, so that appends waiting
	// on an unreachable server fail with eventstore.ErrUnavailable instead
	// of hanging. It is also the append transaction's
	// idle_in_transaction_session_timeout: a replica that stalls or loses
	// its network while it holds the append lock frees it for the others
	// after that long. Zero means 30s.
	CommitTimeout time.Duration
	// ReadyTimeout bounds Ready: a server that does not answer within it
	// (a network that drops packets, a server that hangs) is unavailable,
	// so a readiness probe gets its answer instead of waiting. Zero means
	// 5s.
	ReadyTimeout time.Duration
}

// CommitStats describes one commit: one transaction that wrote events.
type CommitStats struct {
	// Appends is the number of Append calls the commit settled, including
	// those it rejected or answered as idempotent retries.
	Appends int
	// Events is the number of events the commit wrote.
	Events int
	// Duration runs from the start of the transaction to the end of its
	// commit.
	Duration time.Duration
}

// Store is an eventstore.Store kept in a PostgreSQL database. It is safe for
// concurrent use, and several Stores, in several processes, may share one
// schema.
type Store struct {
	pool     *pgxpool.Pool
	schema   string
	log      *slog.Logger
	onCommit func(CommitStats)
	poll     time.Duration
	backoff  backoff
	maxBatch int
	timeout  time.Duration
	ready    time.Duration // ReadyTimeout
	lock     int64         // the append lock's key
	channel  string        // the NOTIFY channel

	queue *groupcommit.Queue[outcome, *request] // the committer's

	testHookLocked func() // tests: called by the committer once it holds the append lock

	announced    atomic.Uint64 // the head the notifier is to announce
	announceWake chan struct{} // one pending signal for the notifier
	done         chan struct{} // closed by Close: ends subscriptions and the listener
	quit         sync.WaitGroup

	mu     sync.Mutex
	notify chan struct{} // closed and replaced when the log may have grown
	closed bool
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

// Open connects to the database named by url, for example
// "postgres://cadena@db.internal:5432/cadena?sslmode=verify-full", creates
// or migrates the schema, and returns a Store. The URL's parameters set the
// connection pool (pool_max_conns, pool_min_conns,
// pool_max_conn_lifetime, pool_max_conn_idle_time,
// pool_health_check_period), the timeouts (connect_timeout, and any
// server setting such as statement_timeout) and TLS (sslmode, sslrootcert,
// ...) as pgx documents them; "schema" chooses the schema (see
// Options.Schema). Open fails when the server cannot be reached.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message names the fault without the password.
		return nil, fmt.Errorf("postgres: connection string: %w", err)
	}
	schema := opts.Schema
	if s, ok := cfg.ConnConfig.RuntimeParams["schema"]; ok {
		delete(cfg.ConnConfig.RuntimeParams, "schema")
		if schema == "" {
			schema = s
		}
	}
	if schema == "" {
		schema = "cadena"
	}
	if !schemaName.MatchString(schema) {
		return nil, fmt.Errorf("postgres: schema %q: want lower-case letters, digits and _, at most 40", schema)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "cadena"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if _, err := migrate(ctx, pool, schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrating schema %s: %w", schema, classify(err))
	}

	s := &Store{
		pool:         pool,
		schema:       schema,
		log:          opts.Logger,
		onCommit:     opts.OnCommit,
		poll:         opts.PollInterval,
		backoff:      backoff{min: opts.MinBackoff, max: opts.MaxBackoff},
		maxBatch:     opts.MaxBatchEvents,
		timeout:      opts.CommitTimeout,
		ready:        opts.ReadyTimeout,
		lock:         lockKey("append", schema),
		channel:      "cadena_events_" + schema,
		announceWake: make(chan struct{}, 1),
		done:         make(chan struct{}),
		notify:       make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.poll <= 0 {
		s.poll = time.Second
	}
	if s.backoff.min <= 0 {
		s.backoff.min = 100 * time.Millisecond
	}
	if s.backoff.max <= 0 {
		s.backoff.max = 5 * time.Second
	}
	s.backoff.max = max(s.backoff.max, s.backoff.min)
	if s.maxBatch <= 0 {
		s.maxBatch = 4096
	}
	linger := opts.Linger
	if linger == 0 {
		linger = 2 * time.Millisecond
	}
	s.queue = newQueue(s.maxBatch, linger)
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.ready <= 0 {
		s.ready = 5 * time.Second
	}
	s.quit.Add(3)
	go func() {
		defer s.quit.Done()
		s.queue.Run(s.commit)
	}()
	go s.listen()
	go s.notifier()
	return s, nil
}

// lockKey returns the advisory lock key of one purpose in one schema.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("cadena " + purpose + " " + schema))
	return int64(h.Sum64())
}

// Schema returns the name of the schema that holds the store's tables.
func (s *Store) Schema() string { return s.schema }

// Head returns the position of the last committed event, 0 when the log is
// empty.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if s.isClosed() {
		return 0, eventstore.ErrClosed
	}
	var head int64
	if err := s.pool.QueryRow(ctx, "SELECT coalesce(max(position), 0) FROM events").Scan(&head); err != nil {
		return 0, s.fail(ctx, "head", err)
	}
	return uint64(head), nil
}

// Ready reports whether the server answers and takes writes: nil when it
// does, an error wrapping eventstore.ErrUnavailable when it cannot be
// reached, does not answer within Options.ReadyTimeout, or is read-only
// (a standby, default_transaction_read_only). It is the readiness probe of
// a replica; the store reconnects by itself, so Ready turns nil again once
// the server is back.
func (s *Store) Ready(ctx context.Context) error {
	if s.isClosed() {
		return eventstore.ErrClosed
	}
	pingCtx, cancel := context.WithTimeout(ctx, s.ready)
	defer cancel()
	var readOnly bool
	if err := s.pool.QueryRow(pingCtx, "SELECT current_setting('transaction_read_only') = 'on'").Scan(&readOnly); err != nil {
		if ctx.Err() == nil && pingCtx.Err() != nil {
			return fmt.Errorf("postgres: ping: %w: no answer within %s: %w", eventstore.ErrUnavailable, s.ready, err)
		}
		return s.fail(ctx, "ping", err)
	}
	if readOnly {
		return fmt.Errorf("postgres: ping: %w: the server takes no writes (a standby, or read-only)", eventstore.ErrUnavailable)
	}
	return nil
}

// Close waits for the appends already queued to be committed, stops the
// subscriptions (they yield ErrClosed) and closes the connections. Calling
// it again returns ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	s.closed = true
	close(s.notify)
	s.mu.Unlock()

	s.queue.Stop(eventstore.ErrClosed) // the committer drains the queue, then stops
	close(s.done)
	s.quit.Wait()
	s.pool.Close()
	return nil
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// watch returns a channel closed when the log may have grown (a commit of
// this store, a notification from the server, a reconnected listener) or
// the store closed.
func (s *Store) watch() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify
}

// broadcast wakes the subscriptions waiting in watch.
func (s *Store) broadcast() {
	s.mu.Lock()
	if !s.closed {
		close(s.notify)
		s.notify = make(chan struct{})
	}
	s.mu.Unlock()
}

// backoff is the wait before trying an unreachable server again.
type backoff struct{ min, max time.Duration }

func (b backoff) next(d time.Duration) time.Duration {
	if d < b.min {
		return b.min
	}
	return min(2*d, b.max)
}
