package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
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
	// failed attempt. Zero means 100ms and 10s.
	MinBackoff, MaxBackoff time.Duration

	// RetryWindow is how many events, counted back from the end of a
	// stream, Append searches for a previous append of the same event IDs
	// after a version conflict. Zero means 1000.
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
		return nil, fmt.Errorf("esdb: parse connection string: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = slogLogging(log)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("esdb: connection string: %w", err)
	}
	return newStore(newRealClient(cfg), opts, log), nil
}

func newStore(f newClientFunc, opts Options, log *slog.Logger) *Store {
	p := retryPolicy{min: opts.MinBackoff, max: opts.MaxBackoff, sleep: sleepCtx}
	if p.min <= 0 {
		p.min = 100 * time.Millisecond
	}
	if p.max <= 0 {
		p.max = 10 * time.Second
	}
	if p.max < p.min {
		p.max = p.min
	}
	window := opts.RetryWindow
	if window <= 0 {
		window = 1000
	}
	done, shutdown := context.WithCancel(context.Background())
	return &Store{
		conn:     newConn(f, log),
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
	return nil
}

// Append adds events to a stream in one AppendToStream call (atomic on the
// server). See the package documentation for how retries are recognised.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if !s.begin() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	defer s.calls.Done()
	if err := eventstore.ValidateAppend(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := checkStream(stream); err != nil {
		return eventstore.AppendResult{}, err
	}
	rev, err := expectedRevision(expected)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w", stream, err)
	}
	data := make([]esdb.EventData, len(events))
	for i, e := range events {
		if data[i], err = toEventData(e); err != nil {
			return eventstore.AppendResult{}, fmt.Errorf("event %d: %w", i, err)
		}
	}

	if expected != eventstore.NoStream {
		// KurrentDB recognises a retry only when its expected revision
		// precedes the retried events: it writes the events again when a
		// retry comes with the stream's current version, and sometimes
		// with Any. So look for them first. (With NoStream the server
		// compares the stream's first events itself.)
		res, found, err := s.findRetry(ctx, stream, events)
		if err != nil || found {
			return res, err
		}
	}
	wr, err := call(ctx, s.conn, func(ctx context.Context, c client) (*esdb.WriteResult, error) {
		return c.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: rev}, data...)
	})
	switch {
	case err == nil:
		// The server reports the stream's last revision, both for a new
		// append and for one it recognised as a retry. Reading the
		// events back tells which, and gives their positions.
		return s.confirm(ctx, stream, wr.NextExpectedVersion, events)
	case hasCode(err, esdb.ErrorCodeWrongExpectedVersion):
		res, found, ferr := s.findRetry(ctx, stream, events)
		if ferr != nil {
			return eventstore.AppendResult{}, ferr
		}
		if found {
			return res, nil
		}
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: %w", stream, eventstore.ErrWrongVersion, err)
	case isAppendTooLarge(err):
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: the server's maximum append size is smaller than the contract's limits: %w", stream, eventstore.ErrEventTooLarge, err)
	default:
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w", stream, err)
	}
}

// confirm reads back the events at the revisions the server reported for
// an append and checks they are the ones proposed.
func (s *Store) confirm(ctx context.Context, stream string, lastRev uint64, events []eventstore.EventData) (eventstore.AppendResult, error) {
	n := uint64(len(events))
	if lastRev+1 < n {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: server reported revision %d for %d events", stream, lastRev, n)
	}
	first := lastRev + 1 - n
	stored, err := s.readRange(ctx, stream, first, n)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: reading the events back: %w", stream, err)
	}
	if len(stored) != len(events) {
		return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: read back %d events, want %d", stream, len(stored), len(events))
	}
	for i, e := range events {
		if stored[i].ID != e.ID {
			// The server took the append for a retry of events stored
			// in another arrangement.
			return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: the server holds the IDs, but not as this append (version %d is %s, not %s)",
				stream, eventstore.ErrDuplicateID, stored[i].Version, stored[i].ID, e.ID)
		}
		if !sameEvent(stored[i], e) {
			return eventstore.AppendResult{}, fmt.Errorf("esdb: append to %q: %w: %s is stored with a different payload", stream, eventstore.ErrDuplicateID, e.ID)
		}
	}
	last := stored[len(stored)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, nil
}

// findRetry looks for the events of an append among the last s.window
// events of the stream. found reports that
// they are all there, in order, with the same payloads: the append is a
// retry and res is the original result. Any of the IDs stored otherwise
// is ErrDuplicateID.
func (s *Store) findRetry(ctx context.Context, stream string, events []eventstore.EventData) (res eventstore.AppendResult, found bool, err error) {
	tail, err := s.readTail(ctx, stream, s.window)
	if err != nil {
		return res, false, fmt.Errorf("esdb: append to %q: looking for an earlier append: %w", stream, err)
	}
	at := make(map[string]int, len(tail))
	for i, r := range tail {
		at[r.ID] = i
	}
	start, ok := at[events[0].ID]
	if !ok {
		for _, e := range events[1:] {
			if _, dup := at[e.ID]; dup {
				return res, false, fmt.Errorf("esdb: append to %q: %w: %s", stream, eventstore.ErrDuplicateID, e.ID)
			}
		}
		return res, false, nil
	}
	if start+len(events) > len(tail) {
		return res, false, fmt.Errorf("esdb: append to %q: %w: the events are stored, but not as one append", stream, eventstore.ErrDuplicateID)
	}
	for i, e := range events {
		if !sameEvent(tail[start+i], e) {
			return res, false, fmt.Errorf("esdb: append to %q: %w: %s differs from the stored event", stream, eventstore.ErrDuplicateID, e.ID)
		}
	}
	last := tail[start+len(events)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, true, nil
}

// readRange reads up to n events of a stream from revision first.
func (s *Store) readRange(ctx context.Context, stream string, first, n uint64) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(first)}
	for ev, err := range s.readStream(ctx, stream, opts, n) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// readTail reads the last n events of a stream, oldest first.
func (s *Store) readTail(ctx context.Context, stream string, n int) ([]eventstore.RecordedEvent, error) {
	var out []eventstore.RecordedEvent
	opts := esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}
	for ev, err := range s.readStream(ctx, stream, opts, uint64(n)) {
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// ReadStream yields the events of a stream with a version greater than
// after.
func (s *Store) ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.closed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		if err := checkStream(stream); err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: fromVersion(after)}
		for ev, err := range s.readStream(ctx, stream, opts, math.MaxUint64) {
			if err != nil {
				err = fmt.Errorf("esdb: read stream %q: %w", stream, err)
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// readStream yields the events of one stream read; a missing stream yields
// nothing.
func (s *Store) readStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return s.read(ctx, func(ctx context.Context, c client) (reader, error) {
		return c.ReadStream(ctx, stream, opts, count)
	})
}

// read drives one read to its end.
func (s *Store) read(ctx context.Context, start func(context.Context, client) (reader, error)) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		r, release, err := open(ctx, s.conn, start, func(r reader) { r.Close() })
		if err != nil {
			yield(eventstore.RecordedEvent{}, err)
			return
		}
		var final error
		defer func() {
			r.Close()
			release(final)
		}()
		for {
			ev, err := r.Recv()
			switch {
			case errors.Is(err, io.EOF) || isNotFound(err):
				return
			case err != nil:
				final = err
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			rec, err := toRecorded(ev.OriginalEvent())
			if err != nil {
				yield(eventstore.RecordedEvent{}, err)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
}

// readAll yields the records of $all, system events included, from a
// position in a direction.
func (s *Store) readAll(ctx context.Context, opts esdb.ReadAllOptions, count uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return s.read(ctx, func(ctx context.Context, c client) (reader, error) {
		return c.ReadAll(ctx, opts, count)
	})
}

// lastPosition returns the position of the last event of $all, a system
// event or not, 0 when there is none.
func (s *Store) lastPosition(ctx context.Context, system bool) (uint64, error) {
	opts := esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}
	count := uint64(math.MaxUint64)
	if system {
		count = 1
	}
	for ev, err := range s.readAll(ctx, opts, count) {
		if err != nil {
			return 0, err
		}
		if system || !isSystemEvent(ev.Type) {
			return ev.Position, nil
		}
	}
	return 0, nil
}

// ReadAll yields every non-system event after the position after, up to
// the last record of $all when the read starts.
func (s *Store) ReadAll(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		if s.closed() {
			yield(eventstore.RecordedEvent{}, eventstore.ErrClosed)
			return
		}
		end, err := s.lastPosition(ctx, true)
		if err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
			return
		}
		if end <= after {
			return
		}
		from, err := s.startPosition(ctx, after)
		if err != nil {
			yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
			return
		}
		opts := esdb.ReadAllOptions{Direction: esdb.Forwards, From: allPosition(from)}
		for ev, err := range s.readAll(ctx, opts, math.MaxUint64) {
			if err != nil {
				yield(eventstore.RecordedEvent{}, fmt.Errorf("esdb: read all: %w", err))
				return
			}
			if ev.Position > end {
				return
			}
			if ev.Position <= after || isSystemEvent(ev.Type) {
				continue // the read starts at after, inclusive
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// startPosition returns a position to start reading $all from in order to
// get the events after the position after. The server accepts only
// positions where a record starts; positions this store returned are such,
// but a caller may pass any number (Head()-1, say). So it probes a read at
// after, and when the server refuses it, it returns the position of the
// last event at or before after, found by reading backwards from the end.
func (s *Store) startPosition(ctx context.Context, after uint64) (uint64, error) {
	if after == 0 {
		return 0, nil
	}
	var probe error
	for _, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Forwards, From: allPosition(after)}, 1) {
		probe = err
		break
	}
	if probe == nil {
		return after, nil
	}
	if ctx.Err() != nil || errors.Is(probe, eventstore.ErrClosed) {
		return 0, probe
	}
	s.log.Debug("esdb: position refused; looking for the event before it", "after", after, "err", probe)
	for ev, err := range s.readAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, math.MaxUint64) {
		if err != nil {
			return 0, err
		}
		if ev.Position <= after {
			return ev.Position, nil
		}
	}
	return 0, nil
}

// Head returns the position of the last non-system event of $all, reading
// backwards past system events.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	if !s.begin() {
		return 0, eventstore.ErrClosed
	}
	defer s.calls.Done()
	p, err := s.lastPosition(ctx, false)
	if err != nil {
		return 0, fmt.Errorf("esdb: head: %w", err)
	}
	return p, nil
}

// Subscribe yields every non-system event after the position after and
// follows the log, resubscribing by itself when the subscription drops.
// It yields ctx.Err() when ctx ends, eventstore.ErrClosed when the store
// closes, and errors no retry can cure (such as access denied).
func (s *Store) Subscribe(ctx context.Context, after uint64) iter.Seq2[eventstore.RecordedEvent, error] {
	return func(yield func(eventstore.RecordedEvent, error) bool) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(s.done, cancel)
		defer stop()
		from, err := s.startPosition(sctx, after)
		// No event lies between from and after, so following from
		// from yields exactly the events after after.
		seq := follow(sctx, allSource{s}, from, s.retry, s.log)
		if err != nil {
			seq = func(yield func(eventstore.RecordedEvent, error) bool) { yield(eventstore.RecordedEvent{}, err) }
		}
		for ev, err := range seq {
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				} else if s.closed() {
					err = eventstore.ErrClosed
				} else {
					err = fmt.Errorf("esdb: subscribe: %w", err)
				}
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// allSource opens filtered subscriptions to $all.
type allSource struct{ s *Store }

func (a allSource) open(ctx context.Context, after uint64) (eventStream, error) {
	opts := esdb.SubscribeToAllOptions{From: allPosition(after), Filter: esdb.ExcludeSystemEventsFilter()}
	sub, release, err := open(ctx, a.s.conn, func(ctx context.Context, c client) (subscription, error) {
		return c.SubscribeToAll(ctx, opts)
	}, func(sub subscription) { _ = sub.Close() })
	if err != nil {
		return nil, err
	}
	return &allStream{sub: sub, release: release}, nil
}

// allStream turns a client subscription into an eventStream.
type allStream struct {
	sub     subscription
	release func(error)
	final   error
}

func (a *allStream) Recv() (eventstore.RecordedEvent, error) {
	for {
		ev := a.sub.Recv()
		switch {
		case ev == nil:
			continue
		case ev.SubscriptionDropped != nil:
			a.final = ev.SubscriptionDropped.Error
			if a.final == nil {
				a.final = errors.New("subscription dropped")
			}
			return eventstore.RecordedEvent{}, a.final
		case ev.EventAppeared != nil:
			e := ev.EventAppeared.OriginalEvent()
			if e == nil || isSystemEvent(e.EventType) {
				continue // the server filters these; this is a safety net
			}
			return toRecorded(e)
		}
		// checkpoints, caught up, fell behind: nothing to deliver
	}
}

func (a *allStream) Close() {
	_ = a.sub.Close()
	a.release(a.final)
}
