package esdb

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// memDB is an in-memory imitation of the parts of KurrentDB the store
// uses, with the server's rules as far as the store depends on them:
// revisions from 0, commit positions with gaps, expected-revision
// idempotency, inclusive $all reads and exclusive subscriptions. Its
// errors are the real client's (see clientErrors).
type memDB struct {
	wrongVersion, notFound, closed error

	mu      sync.Mutex
	all     []esdb.RecordedEvent
	streams map[string][]int // indexes into all
	pos     uint64
	changed chan struct{} // closed at every write
	drop    chan struct{} // closed to drop every subscription
	opens   int           // subscriptions opened
}

func newMemDB(t *testing.T) *memDB {
	wrong, notFound := clientErrors(t)
	return &memDB{
		wrongVersion: wrong, notFound: notFound, closed: closedClientError(t),
		streams: map[string][]int{}, pos: 1000,
		changed: make(chan struct{}), drop: make(chan struct{}),
	}
}

func (db *memDB) write(stream string, evs []esdb.EventData) *esdb.WriteResult {
	for _, e := range evs {
		db.pos += 100 + uint64(len(e.Data))
		db.streams[stream] = append(db.streams[stream], len(db.all))
		db.all = append(db.all, esdb.RecordedEvent{
			EventID: e.EventID, EventType: e.EventType, ContentType: "application/json",
			StreamID: stream, EventNumber: uint64(len(db.streams[stream]) - 1),
			Position: esdb.Position{Commit: db.pos, Prepare: db.pos}, CreatedDate: time.Now(),
			Data: slices.Clone(e.Data), UserMetadata: slices.Clone(e.Metadata),
		})
	}
	close(db.changed)
	db.changed = make(chan struct{})
	return &esdb.WriteResult{CommitPosition: db.pos, PreparePosition: db.pos, NextExpectedVersion: uint64(len(db.streams[stream]) - 1)}
}

// system appends a system event, as KurrentDB does on its own.
func (db *memDB) system(typ string) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.write("$stats-127.0.0.1:2113", []esdb.EventData{{EventType: typ, Data: []byte(`{}`)}})
}

// dropSubscriptions drops every open subscription.
func (db *memDB) dropSubscriptions() {
	db.mu.Lock()
	defer db.mu.Unlock()
	close(db.drop)
	db.drop = make(chan struct{})
}

func (db *memDB) appendToStream(stream string, exp esdb.ExpectedRevision, evs []esdb.EventData) (*esdb.WriteResult, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	idx := db.streams[stream]
	// idempotent: the server's check that the events already sit at start.
	idempotent := func(start int) (*esdb.WriteResult, error) {
		if start+len(evs) > len(idx) {
			return nil, db.wrongVersion
		}
		for i, e := range evs {
			if db.all[idx[start+i]].EventID != e.EventID {
				return nil, db.wrongVersion
			}
		}
		return &esdb.WriteResult{NextExpectedVersion: uint64(start + len(evs) - 1)}, nil
	}
	switch e := exp.(type) {
	case esdb.Any:
		// The server looks each ID up in its cache of recent events: all
		// known is a retry ending at the last one's revision, the first
		// unknown is a new append, anything else a conflict.
		at := map[[16]byte]int{}
		for i, j := range idx {
			at[db.all[j].EventID] = i
		}
		last := -1
		for n, e := range evs {
			i, ok := at[e.EventID]
			switch {
			case !ok && n == 0:
				return db.write(stream, evs), nil
			case !ok:
				return nil, db.wrongVersion
			}
			last = i
		}
		return &esdb.WriteResult{NextExpectedVersion: uint64(last)}, nil
	case esdb.NoStream:
		if len(idx) == 0 {
			return db.write(stream, evs), nil
		}
		return idempotent(0)
	case esdb.StreamRevision:
		want := int(e.Value) + 1
		switch {
		case len(idx) == want:
			return db.write(stream, evs), nil
		case len(idx) > want:
			return idempotent(want)
		}
		return nil, db.wrongVersion
	}
	panic("unexpected expected revision")
}

func (db *memDB) readStream(stream string, opts esdb.ReadStreamOptions, count uint64) reader {
	db.mu.Lock()
	defer db.mu.Unlock()
	idx, ok := db.streams[stream]
	if !ok {
		return &memReader{err: db.notFound}
	}
	var out []esdb.RecordedEvent
	if opts.Direction == esdb.Forwards {
		from := 0
		if r, ok := opts.From.(esdb.StreamRevision); ok {
			from = int(r.Value)
		}
		for i := from; i < len(idx) && uint64(len(out)) < count; i++ {
			out = append(out, db.all[idx[i]])
		}
	} else {
		if _, ok := opts.From.(esdb.End); !ok {
			panic("backward stream reads start at End in these tests")
		}
		for i := len(idx) - 1; i >= 0 && uint64(len(out)) < count; i-- {
			out = append(out, db.all[idx[i]])
		}
	}
	return &memReader{evs: out}
}

// errInvalidPosition is what the server answers for a $all position where
// no record starts (the server's message ends with a full stop).
var errInvalidPosition = status.Error(codes.InvalidArgument, "Trying to read from an invalid position.")

// validPosition reports whether a record starts at p (or p is past the end).
func (db *memDB) validPosition(p uint64) bool {
	if p > db.pos {
		return true
	}
	for _, e := range db.all {
		if e.Position.Commit == p {
			return true
		}
	}
	return false
}

func (db *memDB) readAll(opts esdb.ReadAllOptions, count uint64) reader {
	db.mu.Lock()
	defer db.mu.Unlock()
	var out []esdb.RecordedEvent
	if opts.Direction == esdb.Forwards {
		var from uint64
		if p, ok := opts.From.(esdb.Position); ok {
			from = p.Commit
			if !db.validPosition(from) {
				return &memReader{err: errInvalidPosition}
			}
		}
		for _, e := range db.all {
			if e.Position.Commit >= from && uint64(len(out)) < count { // inclusive
				out = append(out, e)
			}
		}
	} else {
		for i := len(db.all) - 1; i >= 0 && uint64(len(out)) < count; i-- {
			out = append(out, db.all[i])
		}
	}
	return &memReader{evs: out}
}

type memReader struct {
	evs []esdb.RecordedEvent
	err error
}

func (r *memReader) Recv() (*esdb.ResolvedEvent, error) {
	if r.err != nil {
		return nil, r.err
	}
	if len(r.evs) == 0 {
		return nil, io.EOF
	}
	e := r.evs[0]
	r.evs = r.evs[1:]
	// Like the client, which decodes every response afresh.
	e.Data, e.UserMetadata = slices.Clone(e.Data), slices.Clone(e.UserMetadata)
	return &esdb.ResolvedEvent{Event: &e}, nil
}

func (r *memReader) Close() {}

// memSub is a live subscription to $all.
type memSub struct {
	db       *memDB
	ctx      context.Context
	last     uint64
	filter   bool
	drop     chan struct{}
	checkpts bool // send a checkpoint before each event
	sentCP   bool
	invalid  bool // started at a position where no record starts
}

func (db *memDB) subscribe(ctx context.Context, opts esdb.SubscribeToAllOptions) subscription {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.opens++
	s := &memSub{db: db, ctx: ctx, filter: opts.Filter != nil, drop: db.drop, checkpts: true}
	if p, ok := opts.From.(esdb.Position); ok {
		s.last = p.Commit // exclusive
		s.invalid = !db.validPosition(p.Commit)
	}
	return s
}

func (s *memSub) Recv() *esdb.SubscriptionEvent {
	dropped := &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: errors.New("rpc error: code = Unavailable")}}
	if s.invalid {
		return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: errInvalidPosition}}
	}
	for {
		select {
		case <-s.drop:
			return dropped
		default:
		}
		s.db.mu.Lock()
		changed := s.db.changed
		var next *esdb.RecordedEvent
		for i := range s.db.all {
			e := s.db.all[i]
			if e.Position.Commit > s.last && !(s.filter && strings.HasPrefix(e.EventType, "$")) {
				e.Data, e.UserMetadata = slices.Clone(e.Data), slices.Clone(e.UserMetadata)
				next = &e
				break
			}
		}
		s.db.mu.Unlock()
		if next != nil {
			if s.checkpts && !s.sentCP {
				s.sentCP = true
				return &esdb.SubscriptionEvent{CheckPointReached: &esdb.Position{Commit: s.last, Prepare: s.last}}
			}
			s.sentCP = false
			s.last = next.Position.Commit
			return &esdb.SubscriptionEvent{EventAppeared: &esdb.ResolvedEvent{Event: next}}
		}
		select {
		case <-changed:
		case <-s.drop:
			return dropped
		case <-s.ctx.Done():
			return &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: s.ctx.Err()}}
		}
	}
}

func (s *memSub) Close() error { return nil }

// memClient is one client over a memDB. A dead client refuses every call
// as a client whose discovery failed does.
type memClient struct {
	db     *memDB
	dead   bool
	mu     sync.Mutex
	closed int
}

func (c *memClient) AppendToStream(_ context.Context, stream string, opts esdb.AppendToStreamOptions, events ...esdb.EventData) (*esdb.WriteResult, error) {
	if c.dead {
		return nil, c.db.closed
	}
	return c.db.appendToStream(stream, opts.ExpectedRevision, events)
}

func (c *memClient) ReadStream(_ context.Context, stream string, opts esdb.ReadStreamOptions, count uint64) (reader, error) {
	if c.dead {
		return nil, c.db.closed
	}
	return c.db.readStream(stream, opts, count), nil
}

func (c *memClient) ReadAll(_ context.Context, opts esdb.ReadAllOptions, count uint64) (reader, error) {
	if c.dead {
		return nil, c.db.closed
	}
	return c.db.readAll(opts, count), nil
}

func (c *memClient) SubscribeToAll(ctx context.Context, opts esdb.SubscribeToAllOptions) (subscription, error) {
	if c.dead {
		return nil, c.db.closed
	}
	return c.db.subscribe(ctx, opts), nil
}

func (c *memClient) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed++
	return nil
}

func (c *memClient) closeCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// memFactory hands out the given clients in turn, then live ones.
type memFactory struct {
	db      *memDB
	mu      sync.Mutex
	queue   []*memClient
	created []*memClient
}

func (f *memFactory) newClient() (client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &memClient{db: f.db}
	if len(f.queue) > 0 {
		c, f.queue = f.queue[0], f.queue[1:]
	}
	f.created = append(f.created, c)
	return c, nil
}
