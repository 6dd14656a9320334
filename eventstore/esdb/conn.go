package esdb

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

// client is the part of *esdb.Client the store uses, so that tests can
// replace it.
type client interface {
	AppendToStream(ctx context.Context, stream string, opts esdb.AppendToStreamOptions, events ...esdb.EventData) (*esdb.WriteResult, error)
	ReadStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) (reader, error)
	ReadAll(ctx context.Context, opts esdb.ReadAllOptions, count uint64) (reader, error)
	SubscribeToAll(ctx context.Context, opts esdb.SubscribeToAllOptions) (subscription, error)
	Close() error
}

// reader is a read in progress (*esdb.ReadStream).
type reader interface {
	Recv() (*esdb.ResolvedEvent, error)
	Close()
}

// subscription is a live subscription (*esdb.Subscription).
type subscription interface {
	Recv() *esdb.SubscriptionEvent
	Close() error
}

// newClientFunc creates a client. It must not contact the server: the
// client discovers its node on first use.
type newClientFunc func() (client, error)

// realClient adapts *esdb.Client to client.
type realClient struct{ c *esdb.Client }

func newRealClient(cfg *esdb.Configuration) newClientFunc {
	return func() (client, error) {
		c, err := esdb.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		return realClient{c}, nil
	}
}

func (r realClient) AppendToStream(ctx context.Context, stream string, opts esdb.AppendToStreamOptions, events ...esdb.EventData) (*esdb.WriteResult, error) {
	return r.c.AppendToStream(ctx, stream, opts, events...)
}

func (r realClient) ReadStream(ctx context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) (reader, error) {
	rs, err := r.c.ReadStream(ctx, stream, opts, count)
	if err != nil {
		return nil, err
	}
	return safeReader{rs}, nil
}

func (r realClient) ReadAll(ctx context.Context, opts esdb.ReadAllOptions, count uint64) (reader, error) {
	rs, err := r.c.ReadAll(ctx, opts, count)
	if err != nil {
		return nil, err
	}
	return safeReader{rs}, nil
}

// safeReader turns the panic (*esdb.ReadStream).Recv raises for a response
// it does not know ("unreachable code") into an error.
type safeReader struct{ *esdb.ReadStream }

func (r safeReader) Recv() (ev *esdb.ResolvedEvent, err error) {
	defer func() {
		if p := recover(); p != nil {
			ev, err = nil, fmt.Errorf("esdb client: unexpected read response: %v", p)
		}
	}()
	return r.ReadStream.Recv()
}

func (r realClient) SubscribeToAll(ctx context.Context, opts esdb.SubscribeToAllOptions) (subscription, error) {
	sub, err := r.c.SubscribeToAll(ctx, opts)
	if err != nil {
		return nil, err
	}
	return sub, nil
}

func (r realClient) Close() error { return r.c.Close() }

// conn holds the current client and replaces it when it closes itself.
//
// The KurrentDB client closes for good when a node discovery fails: from
// then on every call returns ErrorCodeConnectionClosed. conn notices that
// error, drops the client and creates a new one on the next call.
//
// Two hazards of the client shape the rest. A call blocks, ignoring its
// context, while the client discovers a node, and forever if it queued
// behind a discovery that failed; so every call runs in a goroutine of its
// own and the caller returns when its context ends. And closing a client
// makes any call still inside it panic if it reports an unavailable node;
// so a client is closed only once no call or stream uses it.
type conn struct {
	newClient newClientFunc
	log       *slog.Logger
	timeout   time.Duration // bounds each call (see call and open)

	mu     sync.Mutex
	cur    *handle
	closed bool
}

// handle counts the users of one client.
type handle struct {
	c       client
	users   int  // calls in progress and streams open
	retired bool // no new users; close the client when users reaches 0
}

func newConn(f newClientFunc, log *slog.Logger, timeout time.Duration) *conn {
	return &conn{newClient: f, log: log, timeout: timeout}
}

// acquire returns the current client, creating one if needed, and counts
// the caller as a user until release.
func (c *conn) acquire() (*handle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, eventstore.ErrClosed
	}
	if c.cur == nil {
		cl, err := c.newClient()
		if err != nil {
			return nil, err
		}
		c.cur = &handle{c: cl}
	}
	c.cur.users++
	return c.cur, nil
}

// release ends one use of h. err is the outcome of that use: when it shows
// the client closed itself, the client is retired and the next acquire
// creates a new one.
func (c *conn) release(h *handle, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h.users--
	if err != nil && isClientClosed(err) && c.cur == h {
		c.log.Warn("esdb: client closed itself (node discovery failed); a new client will be created", "err", err)
		c.cur = nil
		h.retired = true
	}
	c.closeIfIdle(h)
}

func (c *conn) closeIfIdle(h *handle) {
	if h.retired && h.users == 0 {
		h.retired = false // close once
		if err := h.c.Close(); err != nil {
			c.log.Debug("esdb: closing client", "err", err)
		}
	}
}

// close retires the current client; later acquires return ErrClosed.
func (c *conn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	if h := c.cur; h != nil {
		c.cur = nil
		h.retired = true
		c.closeIfIdle(h)
	}
}

// call runs fn with the current client, giving it a context that ends at
// c.timeout at the latest. It returns when fn does or when that context
// ends, whichever is first: during an outage a call left inside the client
// ends with its deadline instead of holding the client for ever. If the
// client turns out to be closed for good, call retries once with a new
// client: the refusal happens before anything is sent, so the retry cannot
// duplicate work.
func call[T any](ctx context.Context, c *conn, fn func(context.Context, client) (T, error)) (T, error) {
	ctx, cancel := c.bound(ctx)
	defer cancel()
	var zero T
	for attempt := 0; ; attempt++ {
		h, err := c.acquire()
		if err != nil {
			return zero, err
		}
		type result struct {
			v   T
			err error
		}
		done := make(chan result, 1)
		go func() {
			v, err := fn(ctx, h.c)
			c.release(h, err)
			done <- result{v, err}
		}()
		select {
		case r := <-done:
			if r.err != nil && isClientClosed(r.err) && attempt == 0 {
				continue
			}
			return r.v, r.err
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
}

// bound returns ctx with the deadline of one call.
func (c *conn) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.timeout)
}

// open is call for a stream that stays open after fn returns: the client
// stays in use until the caller calls the returned release function, once,
// with the stream's final error (or nil). closeStream closes a stream the
// caller gave up waiting for. The caller waits for the stream to open until
// ctx ends or for c.timeout at most; the stream itself lives until ctx
// ends or it is released.
func open[T any](ctx context.Context, c *conn, fn func(context.Context, client) (T, error), closeStream func(T)) (T, func(error), error) {
	var zero T
	for attempt := 0; ; attempt++ {
		h, err := c.acquire()
		if err != nil {
			return zero, nil, err
		}
		type result struct {
			v   T
			err error
		}
		sctx, cancel := context.WithCancel(ctx) // the stream's; ended when it is released or abandoned
		done := make(chan result)               // unbuffered: either the caller takes the stream or the goroutine closes it
		abandoned := make(chan struct{})
		go func() {
			v, err := fn(sctx, h.c)
			if err != nil {
				c.release(h, err)
			}
			select {
			case done <- result{v, err}:
			case <-abandoned:
				if err == nil {
					closeStream(v)
					c.release(h, nil)
				}
			}
		}()
		wait, stop := c.bound(ctx)
		select {
		case r := <-done:
			stop()
			if r.err != nil {
				cancel()
				if isClientClosed(r.err) && attempt == 0 {
					continue
				}
				return zero, nil, r.err
			}
			var once sync.Once
			return r.v, func(err error) {
				once.Do(func() {
					c.release(h, err)
					cancel()
				})
			}, nil
		case <-wait.Done():
			stop()
			close(abandoned)
			cancel()
			if err := ctx.Err(); err != nil {
				return zero, nil, err
			}
			return zero, nil, fmt.Errorf("esdb: the server did not answer within %v: %w", c.timeout, context.DeadlineExceeded)
		}
	}
}
