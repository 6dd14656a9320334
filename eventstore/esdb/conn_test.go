package esdb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cadena-project/cadena/eventstore"
)

// hangClient blocks every call until release is closed, as the real client
// does while it discovers a node (or forever after a failed discovery).
type hangClient struct {
	memClient
	release chan struct{}
	entered chan struct{}
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

type countingSub struct{ c *hangClient }

func (s *countingSub) Recv() *esdb.SubscriptionEvent { return nil }
func (s *countingSub) Close() error {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	s.c.closed += 100 // distinguishes a closed subscription from a closed client
	return nil
}

func TestCallReturnsWhenCtxEndsAndDefersClose(t *testing.T) {
	db := newMemDB(t)
	hc := &hangClient{memClient: memClient{db: db}, release: make(chan struct{}), entered: make(chan struct{}, 1)}
	c := newConn(func() (client, error) { return hc, nil }, discard)

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := call(ctx, c, func(ctx context.Context, cl client) (*esdb.WriteResult, error) {
		return cl.AppendToStream(ctx, "s", esdb.AppendToStreamOptions{ExpectedRevision: esdb.Any{}}, esdb.EventData{EventType: "t", Data: []byte(`{}`)})
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("call took %v after its deadline", d)
	}
	<-hc.entered

	// Closing now must not close the client under the hung call.
	c.close()
	if n := hc.closeCount(); n != 0 {
		t.Fatalf("client closed while a call was inside it (%d)", n)
	}
	if _, err := c.acquire(); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("acquire after close: %v", err)
	}
	close(hc.release)
	deadline := time.Now().Add(5 * time.Second)
	for hc.closeCount() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("client not closed once the call returned (%d)", hc.closeCount())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestOpenClosesAbandonedStream(t *testing.T) {
	db := newMemDB(t)
	hc := &hangClient{memClient: memClient{db: db}, release: make(chan struct{}), entered: make(chan struct{}, 1)}
	c := newConn(func() (client, error) { return hc, nil }, discard)

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-hc.entered
		cancel()
	}()
	_, _, err := open(ctx, c, func(ctx context.Context, cl client) (subscription, error) {
		return cl.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{})
	}, func(s subscription) { _ = s.Close() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want Canceled", err)
	}
	c.close()
	close(hc.release) // the subscription arrives after the caller left
	deadline := time.Now().Add(5 * time.Second)
	for hc.closeCount() != 101 {
		if time.Now().After(deadline) {
			t.Fatalf("close count %d, want the stream closed and then the client (101)", hc.closeCount())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCallRetriesOnceWithANewClient(t *testing.T) {
	db := newMemDB(t)
	f := &memFactory{db: db, queue: []*memClient{{db: db, dead: true}, {db: db, dead: true}}}
	c := newConn(f.newClient, discard)
	_, err := call(t.Context(), c, func(ctx context.Context, cl client) (*esdb.WriteResult, error) {
		return cl.AppendToStream(ctx, "s", esdb.AppendToStreamOptions{ExpectedRevision: esdb.Any{}}, esdb.EventData{EventType: "t", Data: []byte(`{}`)})
	})
	if !isClientClosed(err) {
		t.Fatalf("two dead clients in a row: err = %v, want the client's ErrorCodeConnectionClosed", err)
	}
	if len(f.created) != 2 {
		t.Errorf("created %d clients, want 2 (one retry)", len(f.created))
	}
	// The next call gets a third, working client.
	if _, err := call(t.Context(), c, func(ctx context.Context, cl client) (reader, error) {
		return cl.ReadAll(ctx, esdb.ReadAllOptions{}, 1)
	}); err != nil {
		t.Errorf("third client: %v", err)
	}
	for i, cl := range f.created[:2] {
		if n := cl.closeCount(); n != 1 {
			t.Errorf("dead client %d closed %d times, want 1", i, n)
		}
	}
}
