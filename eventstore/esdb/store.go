package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

var _ eventstore.Store = (*Store)(nil)

// Options tunes a Store. The zero value is ready to use.
type Options struct {
	// Logger receives the KurrentDB client's log lines and the store's own
	// (client replaced, subscription resubscribing). Nil discards them;
	// the client never writes to the standard log package once the
	// connection string is parsed.
	Logger *slog.Logger

	// MinBackoff and MaxBackoff bound the delay before a dropped
	// subscription is opened again; it doubles from MinBackoff after each
	// failed attempt, and the store waits a random time between half the
	// delay and the delay. Zero means 100ms and 10s.
	MinBackoff, MaxBackoff time.Duration

	// CallTimeout bounds each call to the server: an append, a
	// reservation, a readiness probe, and the opening of a read or a
	// subscription (not the reading itself). The call's context gets that
	// deadline, and the caller stops waiting then even if the client
	// ignores it. Zero means 30s.
	CallTimeout time.Duration

	// RetryWindow is how many events, counted back from the end of a
	// stream, Append searches for an earlier append of the same event IDs:
	// before appending IDs proposed before with Any or Exact(n), and after
	// a version conflict. Zero means 1000. See the package documentation.
	RetryWindow int
}

// Store is an eventstore.Store kept in KurrentDB (EventStoreDB). It is safe
// for concurrent use.
type Store struct {
	conn   *conn
	log    *slog.Logger
	retry  retryPolicy
	window int

	// done ends when Close is called; it stops live subscriptions.
	done     context.Context
	shutdown context.CancelFunc

	// calls counts the Append, Head and Ready calls in progress, which
	// Close lets finish.
	mu      sync.Mutex
	closing bool
	calls   sync.WaitGroup
}

// closeWait is how long Close waits for calls in progress.
const closeWait = 5 * time.Second

// begin counts a call in progress, or reports false once Close has begun.
func (s *Store) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.calls.Add(1)
	return true
}

// Open returns a Store for the KurrentDB node or cluster named by
// connString, for example "esdb://localhost:2113?tls=false". It fails only
// for an invalid connection string: the client connects on first use, so
// Open succeeds while the server is down. Use Ready to wait for it.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg, err := esdb.ParseConnectionString(connString)
	if err != nil {
		// The client's message may quote the string, password and all.
		return nil, fmt.Errorf("esdb: parse connection string: %s", hidePassword(err.Error(), connString))
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = slogLogging(log)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("esdb: connection string: %s", hidePassword(err.Error(), connString))
	}
	return newStore(newRealClient(cfg), opts, log), nil
}

func newStore(f newClientFunc, opts Options, log *slog.Logger) *Store {
	p := retryPolicy{min: opts.MinBackoff, max: opts.MaxBackoff, sleep: sleepCtx, jitter: equalJitter}
	if p.min <= 0 {
		p.min = 100 * time.Millisecond
	}
	if p.max <= 0 {
		p.max = 10 * time.Second
	}
	if p.max < p.min {
		p.max = p.min
	}
	timeout := opts.CallTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	window := opts.RetryWindow
	if window <= 0 {
		window = 1000
	}
	done, shutdown := context.WithCancel(context.Background())
	return &Store{
		conn:     newConn(f, log, timeout),
		log:      log,
		retry:    p,
		window:   window,
		done:     done,
		shutdown: shutdown,
	}
}

// Close releases the store and ends its subscriptions, which yield
// eventstore.ErrClosed. Appends in progress may finish (Close waits for
// them up to 5 seconds); reads in progress end with an error. Calls after
// Close, Close included, return eventstore.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	s.closing = true
	s.mu.Unlock()
	s.shutdown()

	drained := make(chan struct{})
	go func() {
		s.calls.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(closeWait):
		s.log.Warn("esdb: closing with calls still in progress")
	}
	s.conn.close()
	return nil
}

// closed reports whether Close has begun.
func (s *Store) closed() bool { return s.done.Err() != nil }

// Ready reports whether the server answers: it reads the last record of
// $all. It returns nil once the server is reachable, and keeps working
// after outages: a client that gave up on discovering a node is replaced.
func (s *Store) Ready(ctx context.Context) error {
	if !s.begin() {
		return eventstore.ErrClosed
	}
	defer s.calls.Done()
	_, err := call(ctx, s.conn, func(ctx context.Context, c client) (struct{}, error) {
		r, err := c.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
		if err != nil {
			return struct{}{}, err
		}
		defer r.Close()
		if _, err := r.Recv(); err != nil && !errors.Is(err, io.EOF) {
			return struct{}{}, err
		}
		return struct{}{}, nil
	})
	if err != nil {
		return fmt.Errorf("esdb: not ready: %w", err)
	}
	return nil
}

// checkStream refuses the stream IDs KurrentDB reserves for itself.
func checkStream(stream string) error {
	if err := eventstore.ValidateStreamID(stream); err != nil {
		return err
	}
	if strings.HasPrefix(stream, "$") {
		return fmt.Errorf("%w: %q: stream IDs starting with '$' are reserved by KurrentDB", eventstore.ErrInvalidStream, stream)
	}
	if isReservationStream(stream) {
		return fmt.Errorf("%w: %q: stream IDs starting with %q hold this store's event ID reservations", eventstore.ErrInvalidStream, stream, reservationPrefix)
	}
	return nil
}

// hidePassword returns msg with the password of connString's user
// information, if any, replaced by xxxxx (as url.URL.Redacted writes it),
// also when connString does not parse.
func hidePassword(msg, connString string) string {
	rest := connString
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return msg
	}
	_, password, ok := strings.Cut(rest[:at], ":")
	if !ok || password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "xxxxx")
}
