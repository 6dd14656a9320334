package esdb

import (
	"context"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

// hangClient blocks every call until release is closed, as the real client
// does while it discovers a node (or forever after a failed discovery).
// Every close, of the client or of a stream, is signalled on closes.
type hangClient struct {
	memClient
	release chan struct{}
	entered chan struct{}
	closes  chan struct{}
}

func newHangClient(t *testing.T) *hangClient {
	return &hangClient{memClient: memClient{db: newMemDB(t)}, release: make(chan struct{}),
		entered: make(chan struct{}, 10), closes: make(chan struct{}, 10)}
}

func (c *hangClient) AppendToStream(ctx context.Context, stream string, opts esdb.AppendToStreamOptions, events ...esdb.EventData) (*esdb.WriteResult, error) {
	c.entered <- struct{}{}
	<-c.release
	return c.memClient.AppendToStream(ctx, stream, opts, events...)
}

func (c *hangClient) SubscribeToAll(ctx context.Context, opts esdb.SubscribeToAllOptions) (subscription, error) {
	c.entered <- struct{}{}
	<-c.release
	return &countingSub{c: c}, nil
}

func (c *hangClient) Close() error {
	err := c.memClient.Close()
	c.closes <- struct{}{}
	return err
}

// waitCloses waits until the close count reaches want.
func (c *hangClient) waitCloses(want int) {
	for c.closeCount() < want {
		<-c.closes
	}
}

type countingSub struct{ c *hangClient }

func (s *countingSub) Recv() *esdb.SubscriptionEvent { return nil }
func (s *countingSub) Close() error {
	s.c.mu.Lock()
	s.c.closed += 100 // distinguishes a closed subscription from a closed client
	s.c.mu.Unlock()
	s.c.closes <- struct{}{}
	return nil
}

func appendAny(ctx context.Context, cl client) (*esdb.WriteResult, error) {
	return cl.AppendToStream(ctx, "s", esdb.AppendToStreamOptions{ExpectedRevision: esdb.Any{}}, esdb.EventData{EventType: "t", Data: []byte(`{}`)})
}

func TestCallReturnsWhenCtxEndsAndDefersClose(t *testing.T) {
	hc := newHangClient(t)
	c := newConn(func() (client, error) { return hc, nil }, discard, 0)

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-hc.entered
		cancel()
	}()
	_, err := call(ctx, c, appendAny)
	require.ErrorIs(t, err, context.Canceled)

	// Closing now must not close the client under the hung call.
	c.close()
	assert.Equal(t, 0, hc.closeCount(), "client closed while a call was inside it")
	_, err = c.acquire()
	assert.ErrorIs(t, err, eventstore.ErrClosed, "acquire after close")
	close(hc.release)
	hc.waitCloses(1) // closed once the call returned
	assert.Equal(t, 1, hc.closeCount())
}

// TestCallHasADeadline: a call made with a context that never ends gets
// the connection's deadline, and returns with it while the client hangs.
func TestCallHasADeadline(t *testing.T) {
	hc := newHangClient(t)
	c := newConn(func() (client, error) { return hc, nil }, discard, 1) // 1ns: already past when the call starts
	defer close(hc.release)
	hasDeadline := make(chan bool, 1)
	_, err := call(context.Background(), c, func(ctx context.Context, cl client) (*esdb.WriteResult, error) {
		_, ok := ctx.Deadline()
		hasDeadline <- ok
		return appendAny(ctx, cl)
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, <-hasDeadline, "the call's context has no deadline")

	_, _, err = open(context.Background(), c, func(ctx context.Context, cl client) (subscription, error) {
		return cl.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{})
	}, func(s subscription) { _ = s.Close() })
	assert.ErrorIs(t, err, context.DeadlineExceeded, "opening a stream")
}

func TestOpenClosesAbandonedStream(t *testing.T) {
	hc := newHangClient(t)
	c := newConn(func() (client, error) { return hc, nil }, discard, 0)

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-hc.entered
		cancel()
	}()
	_, _, err := open(ctx, c, func(ctx context.Context, cl client) (subscription, error) {
		return cl.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{})
	}, func(s subscription) { _ = s.Close() })
	require.ErrorIs(t, err, context.Canceled)
	c.close()
	close(hc.release) // the subscription arrives after the caller left
	hc.waitCloses(101)
	assert.Equal(t, 101, hc.closeCount(), "want the stream closed and then the client")
}

func TestCallRetriesOnceWithANewClient(t *testing.T) {
	db := newMemDB(t)
	f := &memFactory{db: db, queue: []*memClient{{db: db, dead: true}, {db: db, dead: true}}}
	c := newConn(f.newClient, discard, 0)
	_, err := call(t.Context(), c, appendAny)
	assert.True(t, isClientClosed(err), "two dead clients in a row: err = %v, want the client's ErrorCodeConnectionClosed", err)
	assert.Len(t, f.created, 2, "clients created: want one retry")
	// The next call gets a third, working client.
	_, err = call(t.Context(), c, func(ctx context.Context, cl client) (reader, error) {
		return cl.ReadAll(ctx, esdb.ReadAllOptions{}, 1)
	})
	assert.NoError(t, err, "third client")
	for i, cl := range f.created[:2] {
		assert.Equal(t, 1, cl.closeCount(), "dead client %d closed", i)
	}
}
