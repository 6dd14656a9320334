package api

import (
	"context"
	"errors"
	"fmt"
	"slices"

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

// maxPending bounds the appends a batch holds before it writes them.
const maxPending = 16384

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
// Batch returns an error, and no results, only when the store fails or
// ctx ends; the commands before the failure may then be stored, and
// running the batch again replays them.
func (s *Service) Batch(ctx context.Context, a Actor, cmds []Command) ([]CommandResult, error) {
	b := &batch{s: s, a: a, cmds: cmds, out: make([]CommandResult, len(cmds)), cache: map[string]*cachedStream{}}
	for i, c := range cmds {
		b.cur, b.deps = i, nil
		r, stream := s.prepare(ctx, b, a, c)
		b.out[i] = r
		b.target = append(b.target, stream)
		b.after = append(b.after, b.deps)
		if len(b.appends) >= maxPending {
			if err := b.flush(ctx, i+1); err != nil {
				return nil, err
			}
		}
	}
	if err := b.flush(ctx, len(cmds)); err != nil {
		return nil, err
	}
	return b.out, nil
}

// prepare decides one command in the batch session and returns its result
// so far and the stream it decides on.
func (s *Service) prepare(ctx context.Context, x session, a Actor, c Command) (CommandResult, string) {
	switch {
	case c.Department != nil:
		r, err := s.putDepartment(ctx, x, a, c.Meta, *c.Department)
		return CommandResult{Position: r.Position, Created: r.Created, Err: err}, domain.DepartmentStream(c.Department.ID)
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

// pendingPosition + i stands for the position of the i-th append held by a
// batch until it is written: a command answered from events not written
// yet (an idempotent replay, a no-op) gets the position they reach.
const pendingPosition = 1 << 62

// errFlush marks a batch write that failed as a whole.
var errFlush = errors.New("batch write failed")

// batch is the session of Batch: it reads each stream once, keeps the
// events decided so far in memory so later commands see them, and holds
// the appends until flush writes them together.
type batch struct {
	s      *Service
	a      Actor
	cmds   []Command
	out    []CommandResult
	target []string // the stream each command decided on
	after  [][]int  // the appends held that each command consulted
	cur    int      // the command being prepared
	deps   []int    // the appends held that it consulted so far

	cache   map[string]*cachedStream
	appends []eventstore.StreamAppend
	owner   []int // the command of each append
	from    int   // the first command not yet flushed
}

// maxCached bounds the streams a batch keeps in memory between writes.
const maxCached = 1 << 16

type cachedStream struct {
	recs []recorded
	last int // the index of its latest append held, -1 for none
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
	for i, e := range events {
		c.recs = append(c.recs, recorded{ID: data[i].ID, Version: version + uint64(i) + 1,
			Position: pendingPosition + uint64(len(b.appends)), Metadata: data[i].Metadata, Event: e})
	}
	c.last = len(b.appends)
	b.appends = append(b.appends, eventstore.StreamAppend{Stream: stream, Expected: eventstore.Exact(version), Events: data,
		After: slices.Clone(b.deps)})
	b.owner = append(b.owner, b.cur)
	// The position is known once written: flush sets it.
	return eventstore.AppendResult{Version: version + uint64(len(events))}, nil
}

// flush writes the appends held, fills in the positions, and decides again,
// one by one, the commands on a stream where an append was rejected. The
// commands before upto are prepared.
func (b *batch) flush(ctx context.Context, upto int) error {
	if len(b.appends) > 0 {
		res, err := eventstore.AppendBatch(ctx, b.s.store, b.appends)
		if err != nil {
			return fmt.Errorf("%w: %w", errFlush, err)
		}
		failedAt := map[string]int{} // stream -> first command whose append was rejected
		failed := false
		for i, r := range res {
			k := b.owner[i]
			if r.Err != nil {
				failed = true
				if _, seen := failedAt[b.appends[i].Stream]; !seen {
					failedAt[b.appends[i].Stream] = k
				}
				continue
			}
			b.out[k].Position = r.Position
		}
		for k := b.from; k < upto; k++ {
			if p := b.out[k].Position; p >= pendingPosition && p-pendingPosition < uint64(len(res)) {
				b.out[k].Position = res[p-pendingPosition].Position
			}
		}
		for k := b.from; k < upto; k++ {
			first, ok := failedAt[b.target[k]]
			if ok && k >= first || eventstore.DependsOnFailed(eventstore.StreamAppend{After: b.after[k]}, res) {
				r, _ := b.s.prepare(ctx, direct{b.s}, b.a, b.cmds[k])
				b.out[k] = r
			}
		}
		if failed || len(b.cache) > maxCached {
			clear(b.cache)
		} else {
			b.settle(res)
		}
	}
	b.appends, b.owner = b.appends[:0], b.owner[:0]
	b.from = upto
	return nil
}

// settle gives the events just written their positions in the streams
// kept for the next commands (each event of an append the position of its
// last one, all a command's outcome needs).
func (b *batch) settle(res []eventstore.BatchResult) {
	for _, a := range b.appends {
		c := b.cache[a.Stream]
		if c.last < 0 {
			continue
		}
		for i := len(c.recs) - 1; i >= 0 && c.recs[i].Position >= pendingPosition; i-- {
			c.recs[i].Position = res[c.recs[i].Position-pendingPosition].Position
		}
		c.last = -1
	}
}
