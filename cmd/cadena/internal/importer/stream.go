package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
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

// StreamOptions tune Import.
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
	// Read, when set, is called as each batch is handed on to be written,
	// with the events read and the hand-offs planned so far, from the
	// goroutine that reads the log (Progress runs in the caller's).
	Read func(events, handoffs int)
}

// StreamStats says what a streaming import held in memory at most.
type StreamStats struct {
	Events   int // events waiting to be put in time order
	Cases    int // cases open
	Commands int // commands waiting for their turn in time order
}

// Import reads a log in format f (as ReadCSV or ReadXES), plans it (as
// NewPlan) and runs it (as Run) as a stream: events are held only until they can be put in
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
func Import(ctx context.Context, cmds Commands, f Format, r io.Reader, ro ReadOptions, so StreamOptions) (Summary, error) {
	start := time.Now()
	parent := ctx // a bulk load's writes: the commands decided before a failure are written
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pl, err := newStreamPlanner(ctx, cmds, so)
	if err != nil {
		return Summary{}, err
	}
	bl, bulk := cmds.(BulkLoader)
	pl.bulk = bulk
	// One batch is built while the one before is written; the batches
	// written come back to be filled again.
	batches := make(chan []planned)
	pl.free = make(chan []planned, 1)
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
		err := f.scan(r, ro, pl)
		if err == nil {
			err = pl.finish()
		}
		readErr <- err
	}()
	sum := Summary{}
	sd := sender{cmds: cmds, sum: &sum, progress: so.Progress}
	batch := make([]api.Command, 0, pl.size)
	var load *api.BulkLoad
	var loadCmds []api.BulkCommand
	var sendErr error
	for b := range batches {
		if sendErr != nil {
			continue // drain: the reader stops at its next batch
		}
		if b, sendErr = existing(ctx, cmds, b); sendErr != nil {
			cancel()
			continue
		}
		if len(b) == 0 {
			continue
		}
		if bulk && load == nil {
			if load, bulk = bl.BulkLoad(parent, Actor); bulk {
				loadCmds = make([]api.BulkCommand, 0, pl.size)
			}
		}
		if load != nil {
			sendErr = decide(load, b, loadCmds, &sum, so.Progress)
		} else {
			batch = batch[:0]
			for i := range b {
				batch = append(batch, b[i].cmd)
			}
			sendErr = sd.send(ctx, batch, func(i int) string { return b[i].what() })
		}
		if sendErr != nil {
			cancel()
			continue
		}
		clear(b[:cap(b)])
		select {
		case pl.free <- b[:0]:
		default:
		}
	}
	err = <-readErr
	if load != nil {
		pos, err := load.Close()
		sum.Position = max(sum.Position, pos)
		if sendErr == nil && err != nil {
			sendErr = err
		}
	}
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

// BulkLoader is what a target of Import may offer for a bulk load by its
// store's sole writer (api.Service.BulkLoad): Import then decides the
// commands with it, the hand-offs' state kept with the planner's, and has
// them written while it decides the next ones. ok false means Batch.
type BulkLoader interface {
	BulkLoad(ctx context.Context, a api.Actor) (load *api.BulkLoad, ok bool)
}

var _ BulkLoader = (*api.Service)(nil)

// decide decides one batch with a bulk load and counts what it did; the
// first command that failed is reported as "what: its error".
func decide(load *api.BulkLoad, b []planned, buf []api.BulkCommand, sum *Summary, progress func(done, total int)) error {
	buf = buf[:0]
	for i := range b {
		buf = append(buf, api.BulkCommand{Command: b[i].cmd, State: b[i].state})
	}
	n, replayed, err := load.Decide(buf)
	clear(buf)
	sum.Commands += n
	sum.Replayed += replayed
	if err != nil {
		if n < len(b) {
			return fmt.Errorf("%s: %w", b[n].what(), err)
		}
		return err
	}
	if progress != nil {
		progress(sum.Commands, 0)
	}
	return nil
}

// lookups is how many departments existing looks up at once.
const lookups = 8

// existing drops from b the registrations of departments that exist
// already (they are left as they are: they may have been renamed since,
// or come from a later log), looked up lookups at a time.
func existing(ctx context.Context, cmds Commands, b []planned) ([]planned, error) {
	var depts []int
	for i := range b {
		if b[i].cmd.Department != nil {
			depts = append(depts, i)
		}
	}
	if len(depts) == 0 {
		return b, nil
	}
	exists := make([]bool, len(b))
	errs := make([]error, len(depts))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(lookups, len(depts)) {
		wg.Go(func() {
			for k := range next {
				id := b[depts[k]].cmd.Department.ID
				_, err := cmds.Department(ctx, id)
				switch {
				case err == nil:
					exists[depts[k]] = true
				case !errors.Is(err, domain.ErrNotFound):
					errs[k] = fmt.Errorf("looking up department %s: %w", id, err)
				}
			}
		})
	}
	for k := range depts {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := b[:0]
	for i := range b {
		if !exists[i] {
			out = append(out, b[i])
		}
	}
	return out, nil
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
	// state is what a bulk load keeps of its hand-off (a step's)
	state *api.BulkHandoff
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
