package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// Commands is what an import needs of the application service.
type Commands interface {
	Department(ctx context.Context, id string) (domain.Department, error)
	PutDepartment(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RegisterDepartment) (api.DepartmentResult, error)
	SetAgreement(ctx context.Context, a api.Actor, m api.Meta, cmd domain.SetAgreement) (api.AgreementResult, error)
	RequestHandoff(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RequestHandoff) (api.HandoffResult, error)
	Execute(ctx context.Context, a api.Actor, m api.Meta, id string, cmd domain.HandoffCommand) (api.HandoffResult, error)
}

// Actor is the admin actor recorded on imported events. Idempotency keys
// are scoped to it, so it must not change between imports.
var Actor = api.Actor{Name: "importer", Role: api.RoleAdmin}

// Options tune Run.
type Options struct {
	// ResolveWithin, when positive, sets an agreement with this resolve
	// target on every pair of the plan before its first hand-off.
	ResolveWithin time.Duration
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
	Position    uint64 // global position after the last command
	Elapsed     time.Duration
}

// step is one command of the import at its business time.
type step struct {
	at   time.Time
	seq  int // tie-break: plan order
	what string
	run  func(ctx context.Context) (uint64, error)
}

// Run issues the plan through cmds in global time order: departments at
// their first sight (unless they exist), agreements (with opts.ResolveWithin) before any
// request of their pair, then the hand-offs' steps. Each command carries an
// idempotency key, so running the same plan again appends nothing.
func Run(ctx context.Context, cmds Commands, p *Plan, opts Options) (Summary, error) {
	start := time.Now()
	sum := Summary{Cases: p.Cases, Events: p.Events, Departments: len(p.Departments),
		Pairs: len(p.Pairs), Handoffs: len(p.Handoffs), Returns: p.Returns}
	plan := make([]step, 0, len(p.Departments)+len(p.Pairs)+4*len(p.Handoffs))
	add := func(at time.Time, what string, run func(ctx context.Context) (uint64, error)) {
		plan = append(plan, step{at: at, seq: len(plan), what: what, run: run})
	}
	for _, d := range p.Departments {
		cmd := domain.RegisterDepartment{ID: d.ID, Name: d.Name, At: d.At}
		add(d.At, "registering department "+d.ID, func(ctx context.Context) (uint64, error) {
			// A department that exists already is left as it is: it may
			// have been renamed since, or come from a later log.
			_, err := cmds.Department(ctx, cmd.ID)
			if !errors.Is(err, domain.ErrNotFound) {
				return 0, err
			}
			r, err := cmds.PutDepartment(ctx, Actor, api.Meta{}, cmd)
			return r.Position, err
		})
	}
	if opts.ResolveWithin > 0 {
		for _, pr := range p.Pairs {
			cmd := domain.SetAgreement{Supplier: pr.Supplier, Customer: pr.Customer,
				ResolveWithin: opts.ResolveWithin, At: pr.At}
			m := api.Meta{IdempotencyKey: fmt.Sprintf("import/agreement/%s/%s/%d",
				pr.Supplier, pr.Customer, int64(opts.ResolveWithin/time.Second))}
			add(pr.At, "setting the agreement "+pr.Supplier+" -> "+pr.Customer, func(ctx context.Context) (uint64, error) {
				r, err := cmds.SetAgreement(ctx, Actor, m, cmd)
				return r.Position, err
			})
			sum.Agreements++
		}
	}
	for _, h := range p.Handoffs {
		for i, s := range h.Steps {
			m := api.Meta{IdempotencyKey: fmt.Sprintf("import/%s/%d", h.ID, i)}
			what := fmt.Sprintf("case %q: %s of hand-off %s (%s -> %s)", h.Case, s.Verb, h.ID, h.Supplier, h.Customer)
			add(s.At, what, handoffStep(cmds, p.Kind, h, s, m))
		}
	}
	slices.SortStableFunc(plan, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	for _, s := range plan {
		pos, err := s.run(ctx)
		if err != nil {
			sum.Elapsed = time.Since(start)
			return sum, fmt.Errorf("%s at %s: %w", s.what, s.at.UTC().Format(time.RFC3339), err)
		}
		sum.Commands++
		sum.Position = max(sum.Position, pos)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func handoffStep(cmds Commands, kind string, h Handoff, s Step, m api.Meta) func(context.Context) (uint64, error) {
	if s.Verb == Request {
		req := domain.RequestHandoff{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer,
			Kind: kind, Title: h.Title, At: s.At}
		return func(ctx context.Context) (uint64, error) {
			r, err := cmds.RequestHandoff(ctx, Actor, m, req)
			return r.Position, err
		}
	}
	// The verbs are the names of the lifecycle table's commands.
	spec, ok := domain.LookupCommand(string(s.Verb))
	if !ok {
		panic("importer: unknown verb " + string(s.Verb))
	}
	cmd := domain.HandoffCommand{Name: spec.Name, At: s.At}
	if spec.Name == domain.Return {
		cmd.Reason = "the case came back"
	}
	return func(ctx context.Context) (uint64, error) {
		r, err := cmds.Execute(ctx, Actor, m, h.ID, cmd)
		return r.Position, err
	}
}
