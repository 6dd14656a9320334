package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// Defaults of StreamOptions.
const (
	// DefaultWindow is how many events the streaming planner holds to put
	// them in time order: a log of up to this many events is planned
	// exactly as NewPlan plans it, in any order.
	DefaultWindow = 1 << 18
	// DefaultHorizon is how long, in log time, a case may go without an
	// event before it is taken as ended.
	DefaultHorizon = 30 * 24 * time.Hour
)

// ErrUnsorted is returned, wrapped in a *SyntaxError, when a streamed log
// is further out of time order than the window holds.
var ErrUnsorted = errors.New("log out of time order")

// StreamOptions tune ImportCSV.
type StreamOptions struct {
	PlanOptions
	Options
	// Window is how many events are held to put the log in time order;
	// DefaultWindow when 0. An event older than one already planned is
	// an error wrapping ErrUnsorted.
	Window int
	// Horizon is how long, in log time, a case may go without an event
	// before it is taken as ended (its last hand-off delivered, its state
	// dropped); DefaultHorizon when 0.
	Horizon time.Duration
	// Stats, when set, is called once at the end with what the planner
	// held at most.
	Stats func(StreamStats)
}

// StreamStats says what a streaming import held in memory at most.
type StreamStats struct {
	Events   int // events waiting to be put in time order
	Cases    int // cases open
	Commands int // commands waiting for their turn in time order
}

// ImportCSV reads a CSV log (as ReadCSV), plans it (as NewPlan) and runs
// it (as Run) as a stream: events are held only until they can be put in
// time order (StreamOptions.Window), a case's state only while it is open
// (until StreamOptions.Horizon of log time passes without an event of it,
// or the file ends), and commands only until every open case is past
// their time. So memory is bounded by the window, the open cases and the
// commands of one horizon, not by the file, and the commands go out in the
// same global time order as Run's. Reading and planning run alongside the
// writing of the batch before.
//
// It differs from NewPlan and Run in three ways: an agreement
// (Options.ResolveWithin) is dated, as there, at the first instant both
// departments exist, unless commands after that instant went out before
// the pair's first request: then at the time of the last of them; a bad
// row under ReadOptions.SkipBad leaves out only the events of its case
// still to be planned; and a case that reappears after its horizon is
// planned as a new case with the same hand-off IDs, which the
// idempotency check refuses when it makes a hand-off.
func ImportCSV(ctx context.Context, cmds Commands, r io.Reader, ro ReadOptions, so StreamOptions) (Summary, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl, err := newStreamPlanner(ctx, cmds, so)
	if err != nil {
		return Summary{}, err
	}
	batches := make(chan []planned, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		pl.out = func(b []planned) bool {
			select {
			case batches <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		err := scanCSV(r, ro, pl.add, pl.skip)
		if err == nil {
			err = pl.finish()
		}
		readErr <- err
	}()
	sum := Summary{}
	sd := sender{cmds: cmds, sum: &sum, progress: so.Progress}
	batch := make([]api.Command, 0, pl.size)
	var sendErr error
	for b := range batches {
		if sendErr != nil {
			continue // drain: the reader stops at its next batch
		}
		batch = batch[:0]
		for i := range b {
			batch = append(batch, b[i].cmd)
		}
		sendErr = sd.send(ctx, batch, func(i int) string { return b[i].what() })
		if sendErr != nil {
			cancel()
		}
	}
	err = <-readErr
	pl.summary(&sum)
	sum.Elapsed = time.Since(start)
	if sendErr != nil {
		return sum, sendErr
	}
	if err != nil {
		return sum, err
	}
	if so.Stats != nil {
		so.Stats(pl.stats)
	}
	return sum, nil
}

// planned is one command of a streamed import with its place in the
// global order: time, then departments before agreements before hand-off
// steps, then the order NewPlan gives them.
type planned struct {
	at   time.Time
	kind int8  // 0 department, 1 agreement, 2 hand-off step
	ord  int64 // a hand-off's case's order in the file (departments: by ID)
	h    int32 // the hand-off's index in its case
	step int32
	cmd  api.Command
	// for messages
	caseID, supplier, customer string
}

// tie orders commands at the same time: departments, agreements, then
// hand-off steps by case, hand-off and step (saturated: equal keys are
// ordered by less).
func (p *planned) tie() uint64 {
	return uint64(p.kind)<<62 | uint64(min(p.ord, 1<<40-1))<<22 | uint64(min(p.h, 1<<11-1))<<11 | uint64(min(p.step, 1<<11-1))
}

func (p *planned) less(q *planned) bool {
	if p.kind != q.kind {
		return p.kind < q.kind
	}
	if p.kind == 0 {
		return p.cmd.Department.ID < q.cmd.Department.ID
	}
	if p.kind == 1 {
		return p.supplier+"\x00"+p.customer < q.supplier+"\x00"+q.customer
	}
	if p.ord != q.ord {
		return p.ord < q.ord
	}
	if p.h != q.h {
		return p.h < q.h
	}
	return p.step < q.step
}

func (p *planned) what() string {
	at := " at " + p.at.UTC().Format(time.RFC3339)
	switch {
	case p.cmd.Department != nil:
		return "registering department " + p.cmd.Department.ID + at
	case p.cmd.Agreement != nil:
		return "setting the agreement " + p.supplier + " -> " + p.customer + at
	}
	verb, id := string(p.cmd.Handoff.Name), p.cmd.HandoffID
	if p.cmd.Request != nil {
		verb, id = string(Request), p.cmd.Request.ID
	}
	return fmt.Sprintf("case %q: %s of hand-off %s (%s -> %s)%s", p.caseID, verb, id, p.supplier, p.customer, at)
}

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
	last       time.Time
	cur        int // the hand-off the current run works on, -1 for none
	handoffs   []openHandoff
	waiting    int // its events in the window
	prev, next *openCase
	started    bool
	bad        bool // a row of it was bad (SkipBad): its events are dropped
}

type openHandoff struct {
	id, supplier, customer string
	steps                  int32
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
	pairs   map[[2]string]bool
	seq     int64
	caseSeq int64
	now     time.Time // the time of the last event planned
	emitted time.Time // the time of the last command handed on
	started bool
	batch   []planned
	stats   StreamStats
	counts  Summary
	skipped []*SyntaxError
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
	p := &streamPlanner{ctx: ctx, cmds: cmds, opts: so, kind: kind, size: size,
		cases: map[string]*openCase{}, depts: map[string]string{}, deptIDs: map[string]string{},
		deptAt: map[string]time.Time{}, pairs: map[[2]string]bool{}}
	p.queue.less = (*planned).less
	return p, nil
}

// add takes the next event of the file.
func (p *streamPlanner) add(caseID string, e Event) error {
	c, ok := p.cases[caseID]
	if !ok {
		id := string([]byte(caseID))
		p.caseSeq++
		c = &openCase{id: id, key: caseKey(id), ord: p.caseSeq, cur: -1}
		p.cases[id] = c
	}
	if p.started && e.At.Before(p.now) {
		return &SyntaxError{Line: e.Line, Trace: c.id, kind: ErrUnsorted, Msg: fmt.Sprintf("%v: the event at %s is older than one at %s already planned, more than %d events before it; sort the log by time",
			ErrUnsorted, e.At.UTC().Format(time.RFC3339), p.now.UTC().Format(time.RFC3339), p.opts.Window)}
	}
	c.waiting++
	p.seq++
	p.window.push(pending{c: c, ev: e}, e.At.UnixNano(), uint64(p.seq))
	p.stats.Events = max(p.stats.Events, p.window.len())
	if p.window.len() > p.opts.Window {
		return p.plan(p.window.pop())
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
	c.waiting--
	p.now, p.started = e.At, true
	// Cases idle past the horizon have ended.
	for o := p.oldest; o != nil && o.waiting == 0 && o.last.Add(p.opts.Horizon).Before(e.At); o = p.oldest {
		p.close(o)
	}
	if c.bad {
		return nil // kept in cases, so its later rows are left out too
	}
	p.counts.Events++
	dept, err := p.department(c, e)
	if err != nil {
		return err
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
	h := openHandoff{id: c.key + "-" + strconv.Itoa(c.runs-1), supplier: to, customer: from}
	c.handoffs = append(c.handoffs, h)
	c.cur = len(c.handoffs) - 1
	p.counts.Handoffs++
	pair := [2]string{to, from}
	if !p.pairs[pair] {
		p.pairs[pair] = true
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
	spec, _ := domain.LookupCommand(string(verb))
	cmd := domain.HandoffCommand{Name: spec.Name, At: at.UTC()}
	if spec.Name == domain.Return {
		cmd.Reason = "the case came back"
	}
	p.push(c, j, api.Command{HandoffID: c.handoffs[j].id, Handoff: cmd}, at)
}

// enqueue holds a command until its turn in time order.
func (p *streamPlanner) enqueue(c planned) {
	p.queue.push(c, c.at.UnixNano(), c.tie())
	p.stats.Commands = max(p.stats.Commands, p.queue.len())
}

func (p *streamPlanner) push(c *openCase, j int, cmd api.Command, at time.Time) {
	h := &c.handoffs[j]
	cmd.Meta.IdempotencyKey = "import/" + h.id + "/" + strconv.Itoa(int(h.steps))
	p.enqueue(planned{at: at, kind: 2, ord: c.ord, h: int32(j), step: h.steps, cmd: cmd,
		caseID: c.id, supplier: h.supplier, customer: h.customer})
	h.steps++
}

// department returns the department of e's group, registering it at its
// first sight unless it exists.
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
	p.counts.Departments++
	_, err := p.cmds.Department(p.ctx, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		p.enqueue(planned{at: e.At, kind: 0, cmd: api.Command{
			Department: &domain.RegisterDepartment{ID: id, Name: truncate(e.Group, domain.MaxNameLen), At: e.At.UTC()}}})
	case err != nil:
		return "", fmt.Errorf("looking up department %s: %w", id, err)
	}
	return id, nil
}

// close ends an open case: its last hand-off is delivered at its last
// event (unless OpenAtEnd) and its state is dropped.
func (p *streamPlanner) close(c *openCase) {
	if c.cur >= 0 && !p.opts.OpenAtEnd {
		p.step(c, c.cur, Deliver, c.last)
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
	p.batch = make([]planned, 0, p.size)
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
