package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// Command is one command of a batch. Set exactly one of Department,
// Agreement, Request, or HandoffID with Handoff (any hand-off command but
// a request).
type Command struct {
	Meta       Meta
	Department *domain.RegisterDepartment
	Agreement  *domain.SetAgreement
	Request    *domain.RequestHandoff
	HandoffID  string
	Handoff    domain.HandoffCommand
}

// CommandResult is what one command of a batch did: Err is the error the
// command alone would have returned, or nil with the global position its
// events reached.
type CommandResult struct {
	Position uint64
	Created  bool // it registered a department or requested a hand-off
	Replayed bool // an idempotent retry, answered from the log
	Err      error
}

// maxPending bounds the appends a batch holds before it writes them,
// unless Options.BatchPart says otherwise.
var maxPending = 8192

// Batch runs cmds in order, as if each were called alone after the ones
// before it, and answers each on its own: a command that fails leaves the
// others be. The commands' appends are written together with
// eventstore.AppendBatch (one transaction and one fsync for thousands on
// the embedded store) rather than one durable append each. Each command
// stays atomic, keeps its idempotency, and its events keep the order of
// cmds in the global log. A command that consults a stream holding events
// of the batch not written yet (a request after its department's
// registration) has its append depend on theirs (StreamAppend.After). A
// command whose stream was written concurrently, or whose append depended
// on a rejected one, is decided again on its own, as a lone command is.
//
// A batch of more than Options.BatchPart appends is written in parts, and the
// next part is prepared while the one before is written (pipelined). When
// a part is answered with a rejected append, the part prepared meanwhile
// is dropped unwritten and prepared again, after the rejected commands are
// decided again.
//
// Batch returns an error, and no results, when the actor may not send
// batches (an ErrForbidden: admins only, see Actor.MaySendBatch, and
// nothing is appended), and when the store fails or ctx ends; the commands
// before such a failure may then be stored, and running the batch again
// replays them.
func (s *Service) Batch(ctx context.Context, a Actor, cmds []Command) ([]CommandResult, error) {
	if err := a.MaySendBatch(); err != nil {
		return nil, err
	}
	b := &batch{s: s, a: a, cmds: cmds, out: make([]CommandResult, len(cmds)),
		target: make([]string, len(cmds)), after: make([][]int, len(cmds)), cache: map[string]*cachedStream{},
		writing: map[string]func(){}}
	defer b.endWrites() // after abandon: no append of the batch is under way then
	defer b.abandon()
	part := maxPending
	if s.batchPart > 0 {
		part = s.batchPart
	}
	b.part = part
	for i := 0; ; i++ {
		if i == len(cmds) {
			redo, err := b.write(ctx, i, true)
			if err != nil {
				return nil, err
			}
			if redo < 0 {
				break
			}
			i = redo
		}
		if i >= b.fetched {
			if err := b.prefetch(ctx, i, min(i+part, len(cmds))); err != nil {
				return nil, err
			}
		}
		b.cur, b.deps = i, nil
		r, stream := s.prepare(ctx, b, a, cmds[i])
		if errors.Is(r.Err, eventstore.ErrUnavailable) {
			// The store cannot be reached: the batch fails as a whole,
			// as a lone write would, rather than each command after
			// this one failing alike.
			return nil, r.Err
		}
		b.out[i], b.target[i], b.after[i] = r, stream, b.deps
		if len(b.appends) >= part {
			redo, err := b.write(ctx, i+1, false)
			if err != nil {
				return nil, err
			}
			if redo >= 0 {
				i = redo - 1
			}
		}
	}
	for k := range b.out {
		if errors.Is(b.out[k].Err, eventstore.ErrUnavailable) {
			return nil, b.out[k].Err // a command decided again could not reach the store
		}
		if p := b.out[k].Position; p >= pendingPosition && p-pendingPosition < uint64(len(b.results)) {
			b.out[k].Position = b.results[p-pendingPosition].Position
		}
	}
	return b.out, nil
}

// prepare decides one command in the batch session and returns its result
// so far and the stream it decides on.
func (s *Service) prepare(ctx context.Context, x session, a Actor, c Command) (CommandResult, string) {
	switch {
	case c.Department != nil:
		r, err := s.putDepartment(ctx, x, a, c.Meta, *c.Department)
		return CommandResult{Position: r.Position, Created: r.Created, Replayed: r.Replayed, Err: err}, domain.DepartmentStream(c.Department.ID)
	case c.Agreement != nil:
		r, err := s.setAgreement(ctx, x, a, c.Meta, *c.Agreement)
		return CommandResult{Position: r.Position, Replayed: r.Replayed, Err: err}, domain.AgreementStream(c.Agreement.Supplier, c.Agreement.Customer)
	case c.Request != nil:
		r, err := s.requestHandoff(ctx, x, a, c.Meta, *c.Request)
		return CommandResult{Position: r.Position, Created: r.Created || r.Replayed && r.Handoff.Version == 1,
			Replayed: r.Replayed, Err: err}, domain.HandoffStream(r.Handoff.ID)
	case c.HandoffID != "":
		r, err := s.runCommand(ctx, x, a, c.Meta, c.HandoffID, c.Handoff)
		return CommandResult{Position: r.Position, Replayed: r.Replayed, Err: err}, domain.HandoffStream(c.HandoffID)
	}
	return CommandResult{Err: &domain.ValidationError{Field: "command", Msg: "a batch command names no command"}}, ""
}

// pendingPosition + i stands for the position of the i-th append of a
// batch until it is written: a command answered from events not written
// yet (an idempotent replay, a no-op) gets the position they reach.
const pendingPosition = 1 << 62

// errFlush marks a batch write that failed as a whole.
var errFlush = errors.New("batch write failed")

// batch is the session of Batch: it reads each stream once, keeps the
// events decided so far in memory so later commands see them, and holds
// the appends until they are written together, a part at a time.
type batch struct {
	s      *Service
	a      Actor
	cmds   []Command
	out    []CommandResult
	target []string // the stream each command decided on
	after  [][]int  // the appends (batch-wide indexes) that each command consulted
	cur    int      // the command being prepared
	deps   []int    // the appends that it consulted so far

	cache   map[string]*cachedStream
	appends []eventstore.StreamAppend // held, not written yet
	owner   []int                     // the command of each append held
	base    int                       // the batch-wide index of appends[0]
	from    int                       // the first command whose appends are held

	writing map[string]func() // the cached streams it appends to, and how to end the write (refCache, decisionCache)

	part    int                      // the appends a part holds at most (Options.BatchPart)
	fetched int                      // the commands whose streams were prefetched
	flight  *part                    // the part being written, if any
	results []eventstore.BatchResult // of the parts written, batch-wide
}

// part is a run of appends being written by a goroutine of its own.
type part struct {
	appends  []eventstore.StreamAppend
	owner    []int
	from, to int // its commands
	done     chan struct{}
	res      []eventstore.BatchResult
	err      error
}

// maxCached bounds the streams a batch keeps in memory between writes.
const maxCached = 1 << 16

type cachedStream struct {
	recs []recorded
	last int // the batch-wide index of its latest append not settled, -1 for none
}

func (b *batch) load(ctx context.Context, stream string) ([]recorded, error) {
	if c, ok := b.cache[stream]; ok {
		return c.recs, nil
	}
	recs, err := b.s.load(ctx, stream)
	if err != nil {
		return nil, err
	}
	b.cache[stream] = &cachedStream{recs: recs, last: -1}
	return recs, nil
}

// peek reads a stream a command consults. When the stream holds events not
// written yet, the command's append depends on theirs (StreamAppend.After):
// its decision must not stand if theirs is rejected.
func (b *batch) peek(ctx context.Context, stream string) ([]recorded, error) {
	if c, ok := b.cache[stream]; ok && c.last >= 0 {
		b.deps = append(b.deps, c.last)
	}
	return b.load(ctx, stream)
}

func (b *batch) append(ctx context.Context, stream string, version uint64, events []domain.Event, data []eventstore.EventData) (eventstore.AppendResult, error) {
	c := b.cache[stream] // loaded by the command deciding on it
	if _, ok := b.writing[stream]; !ok {
		end := b.s.refs.writing(stream)
		if dc := b.s.decisions; dc.keeps(stream) {
			end = func() { dc.drop(stream) } // what a lone command cached is stale now
		}
		b.writing[stream] = end
	}
	if b.appends == nil { // a new part: room for it, not grown append by append
		n := min(b.part, len(b.cmds)-b.cur)
		b.appends, b.owner = make([]eventstore.StreamAppend, 0, n), make([]int, 0, n)
	}
	idx := b.base + len(b.appends)
	for i, e := range events {
		c.recs = append(c.recs, recorded{ID: data[i].ID, Version: version + uint64(i) + 1,
			Position: pendingPosition + uint64(idx), Metadata: data[i].Metadata, Event: e})
	}
	c.last = idx
	// Dependencies on a part written before are not expressed: when one of
	// its appends is rejected, the appends held are prepared again.
	var after []int
	for _, j := range b.deps {
		if j >= b.base {
			after = append(after, j-b.base)
		}
	}
	b.appends = append(b.appends, eventstore.StreamAppend{Stream: stream, Expected: eventstore.Exact(version), Events: data,
		After: after, EncodedJSON: true}) // data is Service.encode's: domain.Encode and metadataJSON
	b.owner = append(b.owner, b.cur)
	// The position is known once written: Batch sets it.
	return eventstore.AppendResult{Version: version + uint64(len(events))}, nil
}

// write settles the part in flight, then starts writing the appends held
// (the commands before upto are prepared), and with last waits for them
// too. It returns the first command to prepare again, or -1: when the part
// in flight had an append rejected, the appends held are dropped and their
// commands must be prepared again.
func (b *batch) write(ctx context.Context, upto int, last bool) (int, error) {
	for {
		if b.flight != nil {
			failed, err := b.settle(ctx)
			if err != nil {
				return -1, err
			}
			if failed {
				redo := b.from
				b.appends, b.owner = nil, nil
				b.from = redo
				if redo == upto && last {
					return -1, nil
				}
				return redo, nil
			}
		}
		if len(b.appends) > 0 {
			p := &part{appends: b.appends, owner: b.owner, from: b.from, to: upto, done: make(chan struct{})}
			go func() {
				defer close(p.done)
				p.res, p.err = eventstore.AppendBatch(ctx, b.s.store, p.appends)
			}()
			b.flight = p
			b.base += len(b.appends)
			b.appends, b.owner = nil, nil
		}
		b.from = upto
		// Keep going until nothing is in flight when this is the last
		// part, or when the cache must be emptied (nothing may be held
		// then: held decisions rest on it).
		if b.flight == nil || !last && len(b.cache) <= maxCached {
			return -1, nil
		}
	}
}

// settle waits for the part in flight and applies its results: positions,
// the commands decided again on their own, the streams kept. It reports
// whether an append was rejected.
func (b *batch) settle(ctx context.Context) (bool, error) {
	p := b.flight
	<-p.done
	b.flight = nil
	if p.err != nil {
		return false, fmt.Errorf("%w: %w", errFlush, p.err)
	}
	base := len(b.results)
	b.results = append(b.results, p.res...)
	failedAt := map[string]int{} // stream -> first command whose append was rejected
	for i, r := range p.res {
		k := p.owner[i]
		if r.Err != nil {
			if _, seen := failedAt[p.appends[i].Stream]; !seen {
				failedAt[p.appends[i].Stream] = k
			}
			continue
		}
		b.out[k].Position = r.Position
	}
	for k := p.from; k < p.to; k++ {
		if pos := b.out[k].Position; pos >= pendingPosition && pos-pendingPosition < uint64(len(b.results)) {
			b.out[k].Position = b.results[pos-pendingPosition].Position
		}
	}
	failed := len(failedAt) > 0
	for k := p.from; k < p.to; k++ {
		first, ok := failedAt[b.target[k]]
		if ok && k >= first || eventstore.DependsOnFailed(eventstore.StreamAppend{After: b.after[k]}, b.results) {
			failed = true
			r, _ := b.s.prepare(ctx, direct{b.s}, b.a, b.cmds[k])
			b.out[k] = r
		}
	}
	if failed || len(b.cache) > maxCached && len(b.appends) == 0 {
		clear(b.cache)
		b.fetched = 0 // prefetch again from the next command prepared
		return failed, nil
	}
	// The events just written get their positions in the streams kept for
	// the next commands (each event of an append the position of its last
	// one, all a command's outcome needs).
	for _, a := range p.appends {
		c := b.cache[a.Stream]
		if c.last < 0 {
			continue
		}
		for i := len(c.recs) - 1; i >= 0 && c.recs[i].Position >= pendingPosition; i-- {
			if j := c.recs[i].Position - pendingPosition; j < uint64(len(b.results)) {
				c.recs[i].Position = b.results[j].Position
			}
		}
		if c.last < base+len(p.res) {
			c.last = -1
		}
	}
	return false, nil
}

// endWrites ends the writes of the streams the caches keep (refCache):
// the batch's appends to them are settled.
func (b *batch) endWrites() {
	for _, end := range b.writing {
		end()
	}
}

// abandon waits for a part still in flight when Batch returns early.
func (b *batch) abandon() {
	if b.flight != nil {
		<-b.flight.done
	}
}

// streamsReader is what a store may offer to read many short streams in one
// go (bolt.Store.ReadStreams): ok[i] is false for a stream it left to
// ReadStream.
type streamsReader interface {
	ReadStreams(ctx context.Context, streams []string, max int) (out [][]eventstore.RecordedEvent, ok []bool, err error)
}

// prefetchMax is the most events a prefetched stream holds; longer streams
// are read on their own when a command needs them.
const prefetchMax = 64

// prefetch reads into the cache, in one go when the store can, the streams
// that commands from to upto decide on or consult and the cache does not
// hold: most are new (a hand-off a request creates) or short.
func (b *batch) prefetch(ctx context.Context, from, upto int) error {
	b.fetched = upto
	r, ok := b.s.store.(streamsReader)
	if !ok {
		return nil
	}
	var streams []string
	seen := map[string]bool{}
	add := func(stream string) {
		if _, cached := b.cache[stream]; !cached && !seen[stream] {
			seen[stream] = true
			streams = append(streams, stream)
		}
	}
	dept := func(id string) {
		if domain.ValidSlug(id) {
			add(domain.DepartmentStream(id))
		}
	}
	pair := func(supplier, customer string) {
		dept(supplier)
		dept(customer)
		if domain.ValidSlug(supplier) && domain.ValidSlug(customer) {
			add(domain.AgreementStream(supplier, customer))
		}
	}
	for _, c := range b.cmds[from:upto] {
		switch {
		case c.Department != nil:
			dept(c.Department.ID)
		case c.Agreement != nil:
			pair(c.Agreement.Supplier, c.Agreement.Customer)
		case c.Request != nil:
			pair(c.Request.Supplier, c.Request.Customer)
			if domain.ValidHandoffID(c.Request.ID) {
				add(domain.HandoffStream(c.Request.ID))
			}
		case c.HandoffID != "":
			if domain.ValidHandoffID(c.HandoffID) {
				add(domain.HandoffStream(c.HandoffID))
			}
		}
	}
	if len(streams) == 0 || len(b.cache)+len(streams) > maxCached {
		return nil
	}
	out, read, err := r.ReadStreams(ctx, streams, prefetchMax)
	if err != nil {
		return err
	}
	for i, stream := range streams {
		if !read[i] {
			continue
		}
		recs := make([]recorded, 0, len(out[i]))
		for _, ev := range out[i] {
			rec, err := decodeRecorded(stream, ev)
			if err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		b.cache[stream] = &cachedStream{recs: recs, last: -1}
	}
	return nil
}
