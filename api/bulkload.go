package api

import (
	"context"
	"fmt"
	"sync"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// BulkLoad decides the commands of a bulk load (cadena import --data) and
// writes their events in large appends, while the caller prepares the
// next commands. It is for a Service that is its store's sole writer
// (Options.SoleWriter): the hand-offs a load requests are its own, so it
// keeps their state itself (BulkHandoff) and decides their commands with
// the domain's decide and evolve directly, without reading their streams
// back, and with the events, event IDs and metadata a lone command or
// Batch writes (the same idempotency keys and request hashes).
// Departments, agreements, and every command on a hand-off whose stream
// exists already (an import run again, resumed, or a case seen twice) go
// through the use cases' ordinary checks and idempotent replay.
//
// Events go out in the order of the commands. A BulkLoad is used by one
// goroutine; its appends go a part (Options.BatchPart appends) at a time
// to a goroutine that completes their events (IDs, request hashes and
// metadata: SHA-256 and JSON, which cannot fail), then to one that writes
// them, while the next part is decided.
type BulkLoad struct {
	s    *Service
	a    Actor
	ctx  context.Context
	part int

	refs    map[string]*refStream // department, agreement and calendar streams read or written
	depts   map[string]*refStream // the department streams among them, by department ID
	touched []*refStream          // those appended to in the part held
	// ags are the agreement streams of the pairs consulted: nil for one
	// known to be empty (most are). One map by pair, so that a lookup
	// (one per request) probes one table, not two.
	ags map[pair]*refStream
	// agOf is, per command of cmds being decided, the agreement stream of
	// its request's pair as prefetch found it.
	agOf []agreementRef
	// streamOf is, per command of cmds being decided, the stream of the
	// hand-off its request opens, as prefetch named it ("" for none).
	streamOf []string
	seen     map[string]int // the streams prefetch reads, by their index in its read
	// agKept counts the agreement streams kept, agKeptSeen as prefetch
	// last saw it: when they differ, one known to be empty may not be.
	agKept, agKeptSeen int
	cur                *BulkHandoff // the hand-off of the command decided through the use cases
	enc                bulkEncoder
	deps               []int // the appends of the part held that it consulted

	appends  []eventstore.StreamAppend // the part held
	requests []string                  // the hand-off streams it opens

	jobs   []bulkJob     // what the encoder fills in of the part held
	encQ   chan bulkPart // the parts to the encoder (encode), then on to the writer (queue)
	free   chan []bulkJob
	queue  chan bulkPart
	done   chan struct{}
	queued sync.WaitGroup

	// inflight counts the hand-off streams opened in parts not known to
	// be written at the last prefetch (used by the deciding goroutine
	// only): what the store held then may lack their events.
	inflight map[string]int

	mu       sync.Mutex
	settled  [][]string // the hand-off streams opened in parts written since
	err      error      // the first write that failed
	position uint64     // the global position reached
}

// BulkHandoff is what a BulkLoad keeps of one hand-off between its
// commands: the caller holds it, one per hand-off it requests, and passes
// it with every command on that hand-off (BulkCommand), so the state lives
// exactly as long as the caller may still issue commands on it.
type BulkHandoff struct {
	stream string
	h      domain.Handoff
	opened bool       // its request was decided by the load
	stored bool       // its stream existed: decided through the use cases on recs
	recs   []recorded // the stream, when stored
}

// BulkCommand is a command of a bulk load, with the state of its hand-off
// (nil for a department or an agreement).
type BulkCommand struct {
	Command
	State *BulkHandoff
}

type bulkPart struct {
	appends  []eventstore.StreamAppend
	requests []string
	jobs     []bulkJob
}

// BulkLoad starts a bulk load of commands by a: ok is false unless s is its
// store's sole writer (Options.SoleWriter). Its appends are written under
// ctx. Close it once the last command is decided.
func (s *Service) BulkLoad(ctx context.Context, a Actor) (*BulkLoad, bool) {
	if s.decisions == nil {
		return nil, false
	}
	part := maxPending
	if s.batchPart > 0 {
		part = s.batchPart
	}
	l := &BulkLoad{s: s, a: a, ctx: ctx, part: part, refs: map[string]*refStream{}, depts: map[string]*refStream{}, ags: map[pair]*refStream{},
		encQ: make(chan bulkPart, 1), free: make(chan []bulkJob, 2), queue: make(chan bulkPart, 1), done: make(chan struct{}), inflight: map[string]int{}}
	l.enc.metaHead = appendMetadataHead(nil, Meta{}.metadata(a))
	go l.encode()
	go l.write()
	return l, true
}

// Decide decides cmds in order and holds their appends, written a part at
// a time; it returns the number of commands answered from the log
// (imported before). It stops at the first command that fails, or when a
// write failed: n is then the number of commands decided before it, and
// their appends are written by Close.
func (l *BulkLoad) Decide(cmds []BulkCommand) (n, replayed int, err error) {
	if err := l.failed(); err != nil {
		return 0, 0, err
	}
	exists, err := l.prefetch(cmds)
	if err != nil {
		return 0, 0, err
	}
	for i := range cmds {
		rep, err := l.decide(&cmds[i], i, exists[i])
		if err != nil {
			return i, replayed, err
		}
		if rep {
			replayed++
		}
		if len(l.appends) >= l.part {
			if err := l.send(); err != nil {
				return i + 1, replayed, err
			}
		}
	}
	return len(cmds), replayed, nil
}

// Close writes the appends held and waits until every append is durable;
// it returns the global position reached, or the first write that failed.
func (l *BulkLoad) Close() (uint64, error) {
	err := l.send()
	close(l.encQ)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		err = l.err
	}
	return l.position, err
}

func (l *BulkLoad) failed() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// prefetch reads, in one read each when the store can, the reference
// streams that cmds consult and the cache does not hold, and tells which
// of the hand-offs that cmds request have a stream already.
func (l *BulkLoad) prefetch(cmds []BulkCommand) ([]bool, error) {
	l.mu.Lock()
	settled := l.settled
	l.settled = nil
	l.mu.Unlock()
	for _, streams := range settled {
		for _, s := range streams {
			if n := l.inflight[s]; n > 1 {
				l.inflight[s] = n - 1
			} else {
				delete(l.inflight, s) // most: one lookup and a delete
			}
		}
	}
	l.agOf = append(l.agOf[:0], make([]agreementRef, len(cmds))...)
	l.streamOf = append(l.streamOf[:0], make([]string, len(cmds))...)
	defer func() { l.agKeptSeen = l.agKept }()
	exists := make([]bool, len(cmds))
	r, ok := l.s.store.(streamsReader)
	if !ok {
		return exists, l.existing(cmds, exists)
	}
	var streams, refs []string
	var at, agAt, agRef []int // agRef[j]: the index in refs of the stream of cmds[agAt[j]]'s pair
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	clear(l.seen)
	fetch := func(stream string) int {
		k, ok := l.seen[stream]
		if !ok {
			k = len(refs)
			l.seen[stream] = k
			refs = append(refs, stream)
		}
		return k
	}
	for i := range cmds {
		c := &cmds[i]
		if c.Request == nil || !domain.ValidSlug(c.Request.Supplier) || !domain.ValidSlug(c.Request.Customer) {
			continue
		}
		for _, id := range [2]string{c.Request.Supplier, c.Request.Customer} {
			if _, ok := l.depts[id]; !ok {
				fetch(domain.DepartmentStream(id))
			}
		}
		if ag, known := l.agreementsOf(c.Request.Supplier, c.Request.Customer); known {
			l.agOf[i] = agreementRef{ag, true}
		} else {
			agAt, agRef = append(agAt, i), append(agRef, fetch(domain.AgreementStream(c.Request.Supplier, c.Request.Customer)))
		}
		if c.State != nil && !c.State.opened && domain.ValidHandoffID(c.Request.ID) {
			l.streamOf[i] = domain.HandoffStream(c.Request.ID)
			streams, at = append(streams, l.streamOf[i]), append(at, i)
		}
	}
	if len(refs) > 0 {
		out, read, err := r.ReadStreams(l.ctx, refs, prefetchMax)
		if err != nil {
			return nil, err
		}
		kept := make([]*refStream, len(refs))
		for i, stream := range refs {
			if !read[i] {
				continue // longer: read by ref
			}
			recs := make([]recorded, 0, len(out[i]))
			for _, ev := range out[i] {
				rec, err := decodeRecorded(stream, ev)
				if err != nil {
					return nil, err
				}
				recs = append(recs, rec)
			}
			kept[i] = l.keep(stream, recs, false)
		}
		for j, i := range agAt {
			if k := agRef[j]; read[k] { // known now: kept[k], as agreementsOf finds it
				l.agOf[i] = agreementRef{kept[k], true}
			}
		}
	}
	if len(streams) == 0 {
		return exists, nil
	}
	_, empty, err := r.ReadStreams(l.ctx, streams, 0)
	if err != nil {
		return nil, err
	}
	for k, i := range at {
		exists[i] = !empty[k]
	}
	return exists, nil
}

// existing tells, one stream at a time, which of the hand-offs that cmds
// request have a stream already (the store has no ReadStreams). A stream
// that the load has not requested a hand-off on (inflight) holds no event
// of it not written yet, so what the store holds is all there is.
func (l *BulkLoad) existing(cmds []BulkCommand, exists []bool) error {
	for i := range cmds {
		c := &cmds[i]
		if c.Request == nil || c.State == nil || c.State.opened || !domain.ValidHandoffID(c.Request.ID) {
			continue
		}
		l.streamOf[i] = domain.HandoffStream(c.Request.ID)
		for _, err := range l.s.store.ReadStream(l.ctx, l.streamOf[i], 0) {
			if err != nil {
				return err
			}
			exists[i] = true
			break
		}
	}
	return nil
}

// decide decides one command; exists tells that its request's stream may
// exist.
func (l *BulkLoad) decide(c *BulkCommand, i int, exists bool) (bool, error) {
	l.deps = l.deps[:0]
	switch {
	case c.Department != nil:
		_, err := l.s.putDepartment(l.ctx, l, l.a, c.Meta, *c.Department)
		return false, err
	case c.Agreement != nil:
		r, err := l.s.setAgreement(l.ctx, l, l.a, c.Meta, *c.Agreement)
		return r.Replayed, err
	case c.Request != nil:
		h := c.State
		if h == nil || h.opened || c.Meta.IdempotencyKey == "" || !domain.ValidHandoffID(c.Request.ID) {
			// Not a hand-off the load keeps: decided on its stream as
			// stored, once the appends held are.
			if err := l.flush(); err != nil {
				return false, err
			}
			r, err := l.s.requestHandoff(l.ctx, l, l.a, c.Meta, *c.Request)
			return r.Replayed, err
		}
		h.opened, h.stream = true, l.streamOf[i]
		if h.stream == "" { // prefetch did not name it (its pair is not two slugs)
			h.stream = domain.HandoffStream(c.Request.ID)
		}
		if _, writing := l.inflight[h.stream]; !exists && !writing {
			return false, l.request(c, i)
		}
		if err := l.loadStored(h); err != nil {
			return false, err
		}
		l.cur = h
		defer func() { l.cur = nil }()
		r, err := l.s.requestHandoff(l.ctx, l, l.a, c.Meta, *c.Request)
		return r.Replayed, err
	case c.HandoffID != "":
		h := c.State
		if h == nil || !h.opened || h.stream != domain.HandoffStream(c.HandoffID) {
			h = &BulkHandoff{opened: true, stream: domain.HandoffStream(c.HandoffID)}
			if err := l.loadStored(h); err != nil {
				return false, err
			}
		}
		if !h.stored {
			return false, l.step(c, h)
		}
		l.cur = h
		defer func() { l.cur = nil }()
		r, err := l.s.runCommand(l.ctx, l, l.a, c.Meta, c.HandoffID, c.Handoff)
		return r.Replayed, err
	}
	return false, &domain.ValidationError{Field: "command", Msg: "a batch command names no command"}
}

// loadStored reads h's stream once every append held is written: it is
// then decided through the use cases, on what is stored.
func (l *BulkLoad) loadStored(h *BulkHandoff) error {
	if err := l.flush(); err != nil {
		return err
	}
	recs, err := l.s.load(l.ctx, h.stream)
	if err != nil {
		return err
	}
	h.stored, h.recs = true, recs
	return nil
}

// request decides a request of a hand-off whose stream does not exist, as
// requestHandoff does.
func (l *BulkLoad) request(c *BulkCommand, i int) error {
	cmd := *c.Request
	job := bulkJob{m: c.Meta, hash: hashRequest, req: cmd} // the request as sent: hashed before its departments are filled in
	if err := l.a.mayIssue(domain.Request, cmd.Supplier, cmd.Customer); err != nil {
		return err
	}
	sup, err := l.department(cmd.Supplier)
	if err != nil {
		return err
	}
	cus, err := l.department(cmd.Customer)
	if err != nil {
		return err
	}
	cmd.SupplierDept, cmd.CustomerDept = sup, cus
	if domain.ValidSlug(cmd.Supplier) && domain.ValidSlug(cmd.Customer) && domain.ValidSlug(cmd.Kind) {
		r, known := l.agOf[i].r, l.agOf[i].known
		if known && r == nil && l.agKept != l.agKeptSeen { // one kept since: maybe this one
			r, known = l.agreementsOf(cmd.Supplier, cmd.Customer)
		}
		if !known {
			if r, err = l.ref(l.ctx, domain.AgreementStream(cmd.Supplier, cmd.Customer)); err != nil {
				return err
			}
		}
		if r != nil { // else none
			l.consult(r)
			if terms, ok := r.agreements().InForce(cmd.Kind); ok {
				cmd.Agreement = &terms
			}
		}
	}
	events, err := domain.DecideRequest(domain.Handoff{}, cmd, l.s.now())
	if err != nil {
		return err
	}
	if err := l.hold(c.State, job, events); err != nil {
		return err
	}
	l.requests = append(l.requests, c.State.stream)
	l.inflight[c.State.stream]++
	return nil
}

// step decides a lifecycle command on a hand-off the load requested, as
// runCommand does.
func (l *BulkLoad) step(c *BulkCommand, h *BulkHandoff) error {
	cmd := c.Handoff
	if err := checkLifecycle(cmd); err != nil {
		return err
	}
	job := bulkJob{m: c.Meta, hash: hashLifecycle, id: c.HandoffID, cmd: cmd}
	if err := l.a.mayIssue(cmd.Name, h.h.Supplier, h.h.Customer); err != nil {
		return err
	}
	events, err := domain.DecideHandoff(h.h, cmd, l.s.now())
	if err != nil || len(events) == 0 {
		return err
	}
	return l.hold(h, job, events)
}

// hold encodes the events a command decided on h and holds their append;
// the encoder fills in their IDs and metadata (job).
func (l *BulkLoad) hold(h *BulkHandoff, job bulkJob, events []domain.Event) error {
	data, err := l.encodePayloads(events)
	if err != nil {
		return err
	}
	job.append = len(l.appends)
	l.jobs = append(l.jobs, job)
	l.appends = append(l.appends, eventstore.StreamAppend{Stream: h.stream, Expected: eventstore.Exact(h.h.Version),
		Events: data, After: l.after(), EncodedJSON: true}) // data is Service.encode's: domain.Encode and metadataJSON
	for _, e := range events {
		h.h = domain.EvolveHandoff(h.h, e)
	}
	return nil
}

// after is the appends of the part held that the command consulted.
func (l *BulkLoad) after() []int {
	if len(l.deps) == 0 {
		return nil
	}
	return append([]int(nil), l.deps...)
}

// send hands the part held to the writer, waiting while the one before
// it waits to be written.
func (l *BulkLoad) send() error {
	if err := l.failed(); err != nil {
		return err
	}
	if len(l.appends) == 0 {
		return nil
	}
	l.queued.Add(1)
	l.encQ <- bulkPart{appends: l.appends, requests: l.requests, jobs: l.jobs}
	l.appends = make([]eventstore.StreamAppend, 0, l.part)
	l.requests = nil
	select {
	case l.jobs = <-l.free:
	default:
		l.jobs = nil
	}
	for _, r := range l.touched {
		r.last = -1
	}
	l.touched = l.touched[:0]
	return nil
}

// flush writes the part held and waits until every part is written.
func (l *BulkLoad) flush() error {
	if err := l.send(); err != nil {
		return err
	}
	l.queued.Wait()
	return l.failed()
}

// write writes the parts in order; after a failure it drops the rest.
func (l *BulkLoad) write() {
	defer close(l.done)
	for p := range l.queue {
		if l.failed() == nil {
			res, err := eventstore.AppendBatch(l.ctx, l.s.store, p.appends)
			l.mu.Lock()
			if err != nil {
				l.err = fmt.Errorf("%w: %w", errFlush, err)
			}
			for i, r := range res {
				if r.Err != nil && l.err == nil {
					l.err = fmt.Errorf("appending to %s: %w", p.appends[i].Stream, r.Err)
				}
				l.position = max(l.position, r.Position)
			}
			l.mu.Unlock()
		}
		l.mu.Lock()
		l.settled = append(l.settled, p.requests)
		l.mu.Unlock()
		l.queued.Done()
	}
}
