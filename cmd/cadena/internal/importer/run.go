package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// Commands is what an import needs of the application: the service, or a
// running server over its API.
type Commands interface {
	// Department returns a department, or an error wrapping
	// domain.ErrNotFound.
	Department(ctx context.Context, id string) (domain.Department, error)
	// Batch runs commands in order and answers each (api.Service.Batch).
	Batch(ctx context.Context, a api.Actor, cmds []api.Command) ([]api.CommandResult, error)
}

var _ Commands = (*api.Service)(nil)

// Actor is the admin actor recorded on imported events. Idempotency keys
// are scoped to it, so it must not change between imports.
var Actor = api.Actor{Name: "importer", Role: api.RoleAdmin}

// DefaultBatch is the number of commands Run sends in one batch.
const DefaultBatch = 65536

// Options tune Run.
type Options struct {
	// ResolveWithin, when positive, sets an agreement with this resolve
	// target on every pair of the plan before its first hand-off.
	ResolveWithin time.Duration
	// Batch is the number of commands per batch; DefaultBatch when 0.
	Batch int
	// Progress, when set, is called after each batch with the commands
	// done so far and the total.
	Progress func(done, total int)
}

// Summary counts what Run issued.
type Summary struct {
	Cases       int
	Events      int
	Departments int
	Pairs       int
	Agreements  int
	Handoffs    int
	Returns     int
	Commands    int
	Replayed    int    // commands answered from the log: imported before
	Position    uint64 // global position after the last command
	Elapsed     time.Duration
	// Skipped lists the bad rows ImportCSV left out under
	// ReadOptions.SkipBad (Run reports none: they are in Log.Skipped).
	Skipped []*SyntaxError
}

// step is one command of the import at its business time: a department
// (dept >= 0), an agreement (pair >= 0), or step i of hand-off h.
type step struct {
	at               time.Time
	dept, pair, h, i int32
}

// Run issues the plan through cmds in global time order, in batches:
// departments at their first sight (unless they exist), agreements (with
// opts.ResolveWithin) before any request of their pair, then the
// hand-offs' steps. Each command carries an idempotency key, so running
// the same plan again appends nothing. Run stops at the first command that
// fails, once its batch is answered.
func Run(ctx context.Context, cmds Commands, p *Plan, opts Options) (Summary, error) {
	start := time.Now()
	sum := Summary{Cases: p.Cases, Events: p.Events, Departments: len(p.Departments),
		Pairs: len(p.Pairs), Handoffs: len(p.Handoffs), Returns: p.Returns}
	size := opts.Batch
	if size <= 0 {
		size = DefaultBatch
	}
	n := len(p.Departments) + len(p.Pairs)
	for _, h := range p.Handoffs {
		n += len(h.Steps)
	}
	plan := make([]step, 0, n)
	for i, d := range p.Departments {
		// A department that exists already is left as it is: it may
		// have been renamed since, or come from a later log.
		_, err := cmds.Department(ctx, d.ID)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			plan = append(plan, step{at: d.At, dept: int32(i), pair: -1, h: -1})
		case err != nil:
			return sum, fmt.Errorf("looking up department %s: %w", d.ID, err)
		}
	}
	if opts.ResolveWithin > 0 {
		for i, pr := range p.Pairs {
			plan = append(plan, step{at: pr.At, dept: -1, pair: int32(i), h: -1})
		}
		sum.Agreements = len(p.Pairs)
	}
	for h, ho := range p.Handoffs {
		for i, s := range ho.Steps {
			plan = append(plan, step{at: s.At, dept: -1, pair: -1, h: int32(h), i: int32(i)})
		}
	}
	// Plan order breaks ties: departments, agreements, then hand-offs by
	// case, run and step.
	slices.SortStableFunc(plan, func(a, b step) int { return a.at.Compare(b.at) })
	total := len(plan)
	sd := sender{cmds: cmds, sum: &sum, total: total, progress: opts.Progress}
	batch := make([]api.Command, 0, size)
	for len(plan) > 0 {
		chunk := plan[:min(size, len(plan))]
		plan = plan[len(chunk):]
		batch = batch[:0]
		for _, s := range chunk {
			batch = append(batch, s.command(p, opts))
		}
		err := sd.send(ctx, batch, func(i int) string {
			return chunk[i].what(p) + " at " + chunk[i].at.UTC().Format(time.RFC3339)
		})
		if err != nil {
			sum.Elapsed = time.Since(start)
			return sum, err
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// sender sends batches of commands and counts what they did.
type sender struct {
	cmds     Commands
	sum      *Summary
	total    int // commands in all, 0 when not known yet
	progress func(done, total int)
}

// send runs one batch; the first command that failed is reported as
// "what(i): its error".
func (sd *sender) send(ctx context.Context, batch []api.Command, what func(i int) string) error {
	res, err := sd.cmds.Batch(ctx, Actor, batch)
	if err != nil {
		return err
	}
	for i, r := range res {
		if r.Err != nil {
			return fmt.Errorf("%s: %w", what(i), r.Err)
		}
		sd.sum.Commands++
		if r.Replayed {
			sd.sum.Replayed++
		}
		sd.sum.Position = max(sd.sum.Position, r.Position)
	}
	if sd.progress != nil {
		sd.progress(sd.sum.Commands, sd.total)
	}
	return nil
}

func (s step) command(p *Plan, opts Options) api.Command {
	switch {
	case s.dept >= 0:
		d := p.Departments[s.dept]
		return api.Command{Department: &domain.RegisterDepartment{ID: d.ID, Name: d.Name, At: d.At.UTC()}}
	case s.pair >= 0:
		pr := p.Pairs[s.pair]
		return api.Command{
			Meta: api.Meta{IdempotencyKey: fmt.Sprintf("import/agreement/%s/%s/%d",
				pr.Supplier, pr.Customer, int64(opts.ResolveWithin/time.Second))},
			Agreement: &domain.SetAgreement{Supplier: pr.Supplier, Customer: pr.Customer,
				ResolveWithin: opts.ResolveWithin, At: pr.At.UTC()},
		}
	}
	h := p.Handoffs[s.h]
	return handoffStep(p.Kind, h, h.Steps[s.i], api.Meta{IdempotencyKey: fmt.Sprintf("import/%s/%d", h.ID, s.i)})
}

// what names the command of s, for messages.
func (s step) what(p *Plan) string {
	switch {
	case s.dept >= 0:
		return "registering department " + p.Departments[s.dept].ID
	case s.pair >= 0:
		pr := p.Pairs[s.pair]
		return "setting the agreement " + pr.Supplier + " -> " + pr.Customer
	}
	h := p.Handoffs[s.h]
	return fmt.Sprintf("case %q: %s of hand-off %s (%s -> %s)", h.Case, h.Steps[s.i].Verb, h.ID, h.Supplier, h.Customer)
}

func handoffStep(kind string, h Handoff, s Step, m api.Meta) api.Command {
	if s.Verb == Request {
		return api.Command{Meta: m, Request: &domain.RequestHandoff{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer,
			Kind: kind, Title: h.Title, At: s.At.UTC()}}
	}
	// The verbs are the names of the lifecycle table's commands.
	spec, ok := domain.LookupCommand(string(s.Verb))
	if !ok {
		panic("importer: unknown verb " + string(s.Verb))
	}
	cmd := domain.HandoffCommand{Name: spec.Name, At: s.At.UTC()}
	if spec.Name == domain.Return {
		cmd.Reason = "the case came back"
	}
	return api.Command{Meta: m, HandoffID: h.ID, Handoff: cmd}
}
