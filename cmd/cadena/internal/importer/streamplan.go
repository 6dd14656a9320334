package importer

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// pending is an event waiting in the window (ordered by time, then file
// order).
type pending struct {
	c  *openCase
	ev Event
}

// openCase is the state of a case while it is open.
type openCase struct {
	id, key    string
	ord        int64
	runs       int
	dept       string
	group      string // the group of its last event planned (of dept)
	last       time.Time
	cur        int // the hand-off the current run works on, -1 for none
	handoffs   []openHandoff
	waiting    int // its events in the window
	prev, next *openCase
	started    bool
	bad        bool // a row of it was bad (SkipBad): its events are dropped
	ended      bool // all its events are read (an XES trace closed)
}

type openHandoff struct {
	id, supplier, customer string
	steps                  int32
	returns                int32
	since, held            int64 // Unix nanoseconds: since its request or last return; held until its deliveries
	delivered              bool
	state                  *api.BulkHandoff // what a bulk load keeps of it (bulk)
}

// streamPlanner plans a log event by event, in the reader's goroutine.
type streamPlanner struct {
	ctx     context.Context
	cmds    Commands
	opts    StreamOptions
	kind    string
	size    int
	out     func([]planned) bool
	window  heap[pending]
	queue   heap[planned]
	cases   map[string]*openCase // open, or with events in the window
	oldest  *openCase            // open cases by their last event, oldest first
	newest  *openCase
	depts   map[string]string // group name -> department ID
	deptIDs map[string]string // department ID -> group name
	deptAt  map[string]time.Time
	deptNum map[string]uint32   // department ID -> its number, in order of first sight
	pairs   map[uint64]struct{} // the pairs seen: supplier's and customer's numbers
	seq     int64
	caseSeq int64
	now     time.Time // the time of the last event planned
	emitted time.Time // the time of the last command handed on
	started bool
	batch   []planned      // being filled
	free    chan []planned // batches written, to fill again
	stats   StreamStats
	counts  Summary
	skipped []*SyntaxError
	// closed, when set, sees each case as it is closed (a dry run's table).
	closed func(*openCase)
	// discard counts the commands in discarded instead of queueing them
	// (a dry run).
	discard   bool
	discarded int
	// unsorted ends the message of ErrUnsorted: what to do.
	unsorted string
	// bulk gives each hand-off the state a bulk load keeps of it
	// (api.BulkLoad), carried by its commands.
	bulk bool
}

func newStreamPlanner(ctx context.Context, cmds Commands, so StreamOptions) (*streamPlanner, error) {
	kind := so.Kind
	if kind == "" {
		kind = DefaultKind
	}
	if !domain.ValidSlug(kind) {
		return nil, fmt.Errorf("kind %q is not a slug (lower-case letters, digits and dashes)", kind)
	}
	if so.Window <= 0 {
		so.Window = DefaultWindow
	}
	if so.Horizon <= 0 {
		so.Horizon = DefaultHorizon
	}
	size := so.Batch
	if size <= 0 {
		size = DefaultBatch
	}
	p := &streamPlanner{ctx: ctx, cmds: cmds, opts: so, kind: kind, size: size, batch: make([]planned, 0, min(size, 1<<12)),
		cases: map[string]*openCase{}, depts: map[string]string{}, deptIDs: map[string]string{},
		deptAt: map[string]time.Time{}, deptNum: map[string]uint32{}, pairs: map[uint64]struct{}{}, unsorted: "sort the log by time"}
	p.queue.less = (*planned).less
	return p, nil
}

// add takes the next event of the file.
func (p *streamPlanner) add(caseID string, e Event) error {
	if err := p.hold(caseID, e); err != nil {
		return err
	}
	return p.spill()
}

// hold puts an event in the window.
func (p *streamPlanner) hold(caseID string, e Event) error {
	c, ok := p.cases[caseID]
	if !ok {
		id := string([]byte(caseID))
		p.caseSeq++
		c = &openCase{id: id, key: caseKey(id), ord: p.caseSeq, cur: -1}
		p.cases[id] = c
	}
	if p.started && e.At.Before(p.now) {
		return &SyntaxError{Line: e.Line, Trace: c.id, kind: ErrUnsorted, Msg: fmt.Sprintf("%v: the event at %s is older than one at %s already planned, more than %d events before it; %s",
			ErrUnsorted, e.At.UTC().Format(time.RFC3339), p.now.UTC().Format(time.RFC3339), p.opts.Window, p.unsorted)}
	}
	c.waiting++
	p.seq++
	p.window.push(pending{c: c, ev: e}, e.At.UnixNano(), uint64(p.seq))
	p.stats.Events = max(p.stats.Events, p.window.len())
	return nil
}

// spill plans the events the window holds beyond its size.
func (p *streamPlanner) spill() error {
	for p.window.len() > p.opts.Window {
		if err := p.plan(p.window.pop()); err != nil {
			return err
		}
	}
	return nil
}

// skip drops a bad row's case under SkipBad: its events not planned yet
// are left out, and so are its later ones.
func (p *streamPlanner) skip(e *SyntaxError) {
	p.skipped = append(p.skipped, e)
	if e.Trace == "" {
		return
	}
	if c, ok := p.cases[e.Trace]; ok {
		c.bad = true
		return
	}
	p.cases[e.Trace] = &openCase{id: e.Trace, cur: -1, bad: true}
}

// finish plans what the window holds and closes every case.
func (p *streamPlanner) finish() error {
	for p.window.len() > 0 {
		if err := p.plan(p.window.pop()); err != nil {
			return err
		}
	}
	for p.oldest != nil {
		p.close(p.oldest)
	}
	return p.flush(true)
}

// plan maps one event, the next in time order.
func (p *streamPlanner) plan(ev pending) error {
	c, e := ev.c, ev.ev
	p.now, p.started = e.At, true
	// Cases idle past the horizon have ended; c, whose event this is, has
	// not (counted waiting until now: closed here, its list links would
	// be lost below).
	for o := p.oldest; o != nil && o.waiting == 0 && o.last.Add(p.opts.Horizon).Before(e.At); o = p.oldest {
		p.close(o)
	}
	c.waiting--
	if c.bad {
		return nil // kept in cases, so its later rows are left out too
	}
	p.counts.Events++
	dept := c.dept
	if c.runs == 0 || e.Group != c.group {
		var err error
		if dept, err = p.department(c, e); err != nil {
			return err
		}
		c.group = e.Group
	}
	if !c.started {
		c.started = true
		p.counts.Cases++
		p.link(c)
	} else {
		p.touch(c)
	}
	c.last = e.At
	if c.runs == 0 || c.dept != dept {
		c.runs++
		if c.runs > 1 {
			p.move(c, c.dept, dept, e)
		}
		c.dept = dept
	}
	if c.ended && c.waiting == 0 {
		p.close(c) // its last event: no need to wait for the horizon
	}
	return p.flush(false)
}

// move plans the case's move from one department to the next at e.
func (p *streamPlanner) move(c *openCase, from, to string, e Event) {
	if c.cur >= 0 {
		p.step(c, c.cur, Deliver, e.At)
	}
	for j, h := range c.handoffs {
		if h.supplier == to && h.customer == from {
			p.step(c, j, Return, e.At)
			p.counts.Returns++
			c.cur = j
			return
		}
	}
	activity := e.Activity
	if activity == "" {
		activity = "work"
	}
	h := openHandoff{id: c.key + "-" + strconv.Itoa(c.runs-1), supplier: to, customer: from, since: e.At.UnixNano()}
	if p.bulk {
		h.state = new(api.BulkHandoff)
	}
	c.handoffs = append(c.handoffs, h)
	c.cur = len(c.handoffs) - 1
	p.counts.Handoffs++
	// Every pair seen is kept (a log over n groups has up to n*n): as two
	// numbers, a quarter of the memory of two strings.
	pair := uint64(p.deptNum[to])<<32 | uint64(p.deptNum[from])
	if _, seen := p.pairs[pair]; !seen {
		p.pairs[pair] = struct{}{}
		if p.opts.ResolveWithin > 0 {
			at := p.deptAt[to]
			if t := p.deptAt[from]; t.After(at) {
				at = t
			}
			if at.Before(p.emitted) {
				at = p.emitted // commands after it went out already
			}
			p.enqueue(planned{at: at, kind: 1, supplier: to, customer: from, cmd: api.Command{
				Meta: api.Meta{IdempotencyKey: fmt.Sprintf("import/agreement/%s/%s/%d",
					to, from, int64(p.opts.ResolveWithin/time.Second))},
				Agreement: &domain.SetAgreement{Supplier: to, Customer: from,
					ResolveWithin: p.opts.ResolveWithin, At: at.UTC()},
			}})
		}
	}
	title := truncate(activity+" (case "+c.id+")", domain.MaxTitleLen)
	p.push(c, c.cur, api.Command{Request: &domain.RequestHandoff{ID: h.id, Supplier: to, Customer: from,
		Kind: p.kind, Title: title, At: e.At.UTC()}}, e.At)
	p.step(c, c.cur, Accept, e.At)
}

// step plans a hand-off command other than a request.
func (p *streamPlanner) step(c *openCase, j int, verb Verb, at time.Time) {
	switch h := &c.handoffs[j]; verb {
	case Return:
		h.since = at.UnixNano()
		h.returns++
	case Deliver:
		h.held += at.UnixNano() - h.since
		h.delivered = true
	}
	// The verbs are the names of the lifecycle table's commands.
	cmd := domain.HandoffCommand{Name: string(verb), At: at.UTC()}
	if cmd.Name == domain.Return {
		cmd.Reason = "the case came back"
	}
	p.push(c, j, api.Command{HandoffID: c.handoffs[j].id, Handoff: cmd}, at)
}

// enqueue holds a command until its turn in time order.
func (p *streamPlanner) enqueue(c planned) {
	if p.discard {
		p.discarded++
		return
	}
	p.queue.push(c, c.at.UnixNano(), c.tie())
	p.stats.Commands = max(p.stats.Commands, p.queue.len())
}

func (p *streamPlanner) push(c *openCase, j int, cmd api.Command, at time.Time) {
	h := &c.handoffs[j]
	cmd.Meta.IdempotencyKey = "import/" + h.id + "/" + strconv.Itoa(int(h.steps))
	p.enqueue(planned{at: at, kind: 2, ord: c.ord, h: int32(j), step: h.steps, cmd: cmd, state: h.state,
		caseID: c.id, supplier: h.supplier, customer: h.customer})
	h.steps++
}

// department returns the department of e's group, registering it at its
// first sight.
func (p *streamPlanner) department(c *openCase, e Event) (string, error) {
	if id, ok := p.depts[e.Group]; ok {
		return id, nil
	}
	id := Slug(e.Group)
	if other, ok := p.deptIDs[id]; ok {
		return "", &SyntaxError{Line: e.Line, Trace: c.id,
			Msg: fmt.Sprintf("groups %q and %q both make department %q", other, e.Group, id)}
	}
	p.depts[e.Group], p.deptIDs[id], p.deptAt[id] = id, e.Group, e.At
	p.deptNum[id] = uint32(len(p.deptNum))
	p.counts.Departments++
	// Whether it exists is looked up when its batch goes out (existing).
	p.enqueue(planned{at: e.At, kind: 0, cmd: api.Command{
		Department: &domain.RegisterDepartment{ID: id, Name: truncate(e.Group, domain.MaxNameLen), At: e.At.UTC()}}})
	return id, nil
}

// close ends an open case: its last hand-off is delivered at its last
// event (unless OpenAtEnd) and its state is dropped.
func (p *streamPlanner) close(c *openCase) {
	if c.cur >= 0 && !p.opts.OpenAtEnd {
		p.step(c, c.cur, Deliver, c.last)
	}
	if p.closed != nil {
		p.closed(c)
	}
	p.unlink(c)
	p.drop(c)
}

func (p *streamPlanner) drop(c *openCase) {
	if p.cases[c.id] == c && c.waiting == 0 {
		delete(p.cases, c.id)
	}
}

// The open cases form a list by their last event, oldest first: events are
// planned in time order, so a case whose event is planned goes to the end.
func (p *streamPlanner) link(c *openCase) {
	c.prev, c.next = p.newest, nil
	if p.newest != nil {
		p.newest.next = c
	} else {
		p.oldest = c
	}
	p.newest = c
	p.stats.Cases = max(p.stats.Cases, len(p.cases))
}

func (p *streamPlanner) unlink(c *openCase) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		p.oldest = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		p.newest = c.prev
	}
	c.prev, c.next = nil, nil
}

func (p *streamPlanner) touch(c *openCase) {
	if p.newest != c {
		p.unlink(c)
		p.link(c)
	}
}

// flush hands on, in batches, the commands before the earliest time an
// open case may still plan one at (its last event: its closing deliver),
// and with all every command.
func (p *streamPlanner) flush(all bool) error {
	frontier := p.now
	if p.oldest != nil {
		frontier = p.oldest.last
	}
	until := frontier.UnixNano()
	for p.queue.len() > 0 && (all || p.queue.peekAt() < until) {
		c := p.queue.pop()
		p.emitted = c.at
		p.batch = append(p.batch, c)
		if len(p.batch) == p.size {
			if err := p.send(); err != nil {
				return err
			}
		}
	}
	if all && len(p.batch) > 0 {
		return p.send()
	}
	return nil
}

func (p *streamPlanner) send() error {
	b := p.batch
	if p.opts.Read != nil {
		p.opts.Read(int(p.seq), p.counts.Handoffs)
	}
	select {
	case p.batch = <-p.free:
	default:
		p.batch = make([]planned, 0, cap(b))
	}
	if !p.out(b) {
		return p.ctx.Err()
	}
	return nil
}

func (p *streamPlanner) summary(sum *Summary) {
	sum.Cases, sum.Events, sum.Departments, sum.Pairs = p.counts.Cases, p.counts.Events, p.counts.Departments, len(p.pairs)
	sum.Handoffs, sum.Returns, sum.Skipped = p.counts.Handoffs, p.counts.Returns, p.skipped
	if p.opts.ResolveWithin > 0 {
		sum.Agreements = len(p.pairs)
	}
}
