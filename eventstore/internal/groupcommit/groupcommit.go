// Package groupcommit is the queue between the goroutines that append to
// an event store and the store's single committer goroutine: the appends
// that arrive while a commit runs are taken together as the next batch,
// committed in one transaction, and each answered on its own (group
// commit). The bolt and PostgreSQL stores share it.
//
// # Basics
//
// A store's request type embeds Call, whose answer type V the store
// chooses. Appending goroutines Put requests and Wait (or WaitAll) for
// their answers; the committer goroutine runs Run, which hands each batch
// to the store's commit function, and that function Answers every request
// of the batch exactly once. Stop refuses new requests and ends Run once
// the queue is drained.
//
// # Caveats
//
// A request whose caller gives up (its context ends) before the committer
// took it is dropped, never committed; once taken, the caller waits for
// the answer, since the commit may already be under way.
package groupcommit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

const (
	pending   int32 = iota
	taken           // the committer owns it and will answer it
	cancelled       // the caller gave up before the committer took it
)

// Call is the part of a request that the queue manages. Embed it in the
// request type; the zero value is ready to use. A Call is put once.
type Call[V any] struct {
	state atomic.Int32
	done  chan V // buffered: Answer never blocks; nil for a request of PutAll
	// A request of PutAll keeps its answer here and counts it in the
	// group it was put with.
	group  *group
	answer V
}

// group is the requests of one PutAll: the answers left, and a channel
// closed when none is.
type group struct {
	left atomic.Int64
	done chan struct{}
}

// settled counts n more requests of g answered or dropped.
func (g *group) settled(n int) {
	if g.left.Add(int64(-n)) == 0 {
		close(g.done)
	}
}

func (c *Call[V]) call() *Call[V] { return c }

// Answer gives the request its answer. The commit function calls it once
// for each request of its batch; it never blocks.
func (c *Call[V]) Answer(v V) {
	if c.group != nil {
		c.answer = v
		c.group.settled(1)
		return
	}
	c.done <- v
}

// Item is a request type: one that embeds Call[V].
type Item[V any] interface{ call() *Call[V] }

// Options tunes a Queue. The zero value takes everything queued at once
// and never waits.
type Options struct {
	// MaxBatch caps the total size of one batch; the requests beyond it
	// wait for the next. A request larger than MaxBatch is taken alone.
	// Zero means no cap.
	MaxBatch int
	// Linger is how long Run may wait, after a commit of several
	// requests, for as many new requests as it answered before it takes
	// the next batch: callers that append in a loop come back as soon as
	// they are answered, and waiting for them lets each commit carry all
	// of them instead of those that arrived during the commit before.
	// A lone request never waits. Zero or negative means never wait.
	Linger time.Duration
}

// Queue is the queue of one committer. It is safe for concurrent use.
type Queue[V any, T Item[V]] struct {
	opts Options
	size func(T) int

	wake    chan struct{} // one pending signal for Run
	stop    chan struct{} // closed by Stop
	stopped sync.Once
	// chans holds the answer channels of requests their callers are done
	// with, empty, for the next Put: making one for every request cost
	// two allocations (the channel and its buffer) of each lone append.
	chans sync.Pool

	mu      sync.Mutex
	items   []T
	refused error // returned by Put when not nil
	final   bool  // Stop was called: refused is final
}

// New returns an empty queue. size gives a request's weight against
// Options.MaxBatch (bytes, events); it may be nil without a cap.
func New[V any, T Item[V]](opts Options, size func(T) int) *Queue[V, T] {
	if size == nil {
		size = func(T) int { return 0 }
	}
	return &Queue[V, T]{opts: opts, size: size, wake: make(chan struct{}, 1), stop: make(chan struct{})}
}

// Put queues reqs together and in order, so that the committer takes
// them in that order, in one batch when MaxBatch allows, or returns the
// error given to Refuse or Stop and queues nothing.
func (q *Queue[V, T]) Put(reqs ...T) error {
	return q.enqueue(reqs, func(c *Call[V]) { c.done = q.answerChan() })
}

// enqueue queues reqs, each marked first for the way it is answered, and
// wakes Run; or returns the error given to Refuse or Stop and queues
// nothing.
func (q *Queue[V, T]) enqueue(reqs []T, mark func(*Call[V])) error {
	q.mu.Lock()
	if q.refused != nil {
		err := q.refused
		q.mu.Unlock()
		return err
	}
	for _, r := range reqs {
		mark(r.call())
	}
	q.items = append(q.items, reqs...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// answerChan returns an empty answer channel, from chans when it has one.
func (q *Queue[V, T]) answerChan() chan V {
	if c, ok := q.chans.Get().(chan V); ok {
		return c
	}
	return make(chan V, 1)
}

// recycle gives back the answer channel of a request its caller is done
// with: answered and received, or dropped before the committer took it
// (never answered then). No one sends on it again.
func (q *Queue[V, T]) recycle(c *Call[V]) {
	q.chans.Put(c.done)
	c.done = nil
}

// PutAll is Put for requests that WaitAll, never Wait, waits for: they
// share one count of answers, so answering them takes no channel each and
// wakes the waiting caller once for all of them, not once each (a bulk
// load's batches hold thousands).
func (q *Queue[V, T]) PutAll(reqs []T) error {
	g := &group{done: make(chan struct{})}
	g.left.Store(int64(len(reqs)))
	return q.enqueue(reqs, func(c *Call[V]) { c.group = g })
}

// Wait returns the answer to r, which Put queued. If ctx ends before the
// committer took r, r is dropped and Wait returns ctx.Err(); once taken,
// Wait returns its answer whatever ctx.
func (q *Queue[V, T]) Wait(ctx context.Context, r T) (V, error) {
	c := r.call()
	var v V
	if ctx.Done() == nil { // never cancelled: a receive, cheaper than a select
		v = <-c.done
		q.recycle(c)
		return v, nil
	}
	select {
	case v = <-c.done:
	case <-ctx.Done():
		if c.state.CompareAndSwap(pending, cancelled) {
			q.recycle(c)
			return v, ctx.Err()
		}
		v = <-c.done
	}
	q.recycle(c)
	return v, nil
}

// WaitAll returns the answers to reqs, which one Put or PutAll queued, in
// order. If ctx ends first, the requests not taken yet are dropped, all at
// once so that the committer settles a prefix of reqs and nothing after a
// gap, and WaitAll returns ctx.Err() once the ones taken are answered.
func (q *Queue[V, T]) WaitAll(ctx context.Context, reqs []T) ([]V, error) {
	if len(reqs) > 0 && reqs[0].call().group != nil {
		return q.waitGroup(ctx, reqs)
	}
	out := make([]V, len(reqs))
	for k, r := range reqs {
		select {
		case out[k] = <-r.call().done:
			continue
		case <-ctx.Done():
		}
		q.mu.Lock() // Take holds it: no request is taken meanwhile
		for _, r := range reqs[k:] {
			r.call().state.CompareAndSwap(pending, cancelled)
		}
		q.mu.Unlock()
		for _, r := range reqs[k:] {
			if c := r.call(); c.state.Load() == taken {
				<-c.done
			}
		}
		return nil, ctx.Err()
	}
	return out, nil
}

// waitGroup is WaitAll for the requests of one PutAll.
func (q *Queue[V, T]) waitGroup(ctx context.Context, reqs []T) ([]V, error) {
	g := reqs[0].call().group
	select {
	case <-g.done:
	case <-ctx.Done():
		dropped := 0
		q.mu.Lock() // Take holds it: no request is taken meanwhile
		for _, r := range reqs {
			if r.call().state.CompareAndSwap(pending, cancelled) {
				dropped++
			}
		}
		q.mu.Unlock()
		if dropped > 0 {
			g.settled(dropped)
		}
		<-g.done // the answers to those taken
		return nil, ctx.Err()
	}
	// Every Answer happened before the close of g.done.
	out := make([]V, len(reqs))
	for k, r := range reqs {
		out[k] = r.call().answer
	}
	return out, nil
}

// Take removes the next batch from the queue, skipping the dropped
// requests. It is for Run and tests; the batch may be empty.
func (q *Queue[V, T]) Take() []T { return q.take(nil) }

// take is Take appending the batch to buf[:0], whose room Run reuses from
// one batch to the next: growing a new slice for each batch cost an
// allocation per doubling, five or six a commit under load.
func (q *Queue[V, T]) take(buf []T) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	batch := buf[:0]
	size, n := 0, 0
	for _, r := range q.items {
		s := q.size(r)
		if len(batch) > 0 && q.opts.MaxBatch > 0 && size+s > q.opts.MaxBatch {
			break
		}
		n++
		if r.call().state.CompareAndSwap(pending, taken) {
			batch = append(batch, r)
			size += s
		}
	}
	rest := copy(q.items, q.items[n:])
	clear(q.items[rest:])
	q.items = q.items[:rest]
	return batch
}

// Run hands each batch to commit, one at a time, until Stop; then it
// commits what is left in the queue and returns. commit must Answer every
// request of its batch, and must not keep the batch once it returns: Run
// reuses its room for the next one.
func (q *Queue[V, T]) Run(commit func([]T)) {
	var buf []T
	// next commits batch and returns the room of its slice, emptied so
	// that it keeps no request alive.
	next := func(batch []T) []T {
		commit(batch)
		clear(batch)
		return batch[:0]
	}
	for {
		select {
		case <-q.wake:
		case <-q.stop:
			// Stop refuses new requests first, so this drains the last ones.
			for batch := q.take(buf); len(batch) > 0; batch = q.take(buf) {
				buf = next(batch)
			}
			return
		}
		for batch := q.take(buf); len(batch) > 0; batch = q.take(buf) {
			answered := len(batch)
			buf = next(batch)
			q.linger(answered)
		}
	}
}

// linger waits, for at most Options.Linger, until the queue holds answered
// more requests than when the last commit ended.
func (q *Queue[V, T]) linger(answered int) {
	if q.opts.Linger <= 0 || answered < 2 {
		return
	}
	q.mu.Lock()
	target := len(q.items) + answered
	q.mu.Unlock()
	timer := time.NewTimer(q.opts.Linger)
	defer timer.Stop()
	for {
		q.mu.Lock()
		n := len(q.items)
		q.mu.Unlock()
		if n >= target {
			return
		}
		select {
		case <-q.wake:
		case <-timer.C:
			return
		case <-q.stop:
			return
		}
	}
}

// Refuse makes Put return err from now on (a store that failed), unless
// Stop was called. The requests already queued are still committed.
func (q *Queue[V, T]) Refuse(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.final {
		q.refused = err
	}
}

// Stop makes Put return err from now on and Run return once it committed
// the requests already queued. Calls after the first do nothing.
func (q *Queue[V, T]) Stop(err error) {
	q.stopped.Do(func() {
		q.mu.Lock()
		q.refused, q.final = err, true
		q.mu.Unlock()
		close(q.stop)
	})
}
