package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// Commands is what the demo needs of the application service.
type Commands interface {
	PutDepartment(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RegisterDepartment) (api.DepartmentResult, error)
	SetAgreement(ctx context.Context, a api.Actor, m api.Meta, cmd domain.SetAgreement) (api.AgreementResult, error)
	RequestHandoff(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RequestHandoff) (api.HandoffResult, error)
	Execute(ctx context.Context, a api.Actor, m api.Meta, id string, cmd domain.HandoffCommand) (api.HandoffResult, error)
}

// Summary counts what Seed recorded.
type Summary struct {
	Departments int
	Agreements  int
	Handoffs    int
	Commands    int
	Position    uint64 // global position after the last command
}

// Days is how far back the demo history reaches.
const Days = 90

// step is one command of the plan, at its business time.
type step struct {
	at  time.Time
	seq int // tie-break: keeps each hand-off's commands in plan order
	run func(ctx context.Context) (uint64, error)
}

// Seed records the demo organisation through cmds, with history over the
// Days before now. The same seed gives the same organisation.
func Seed(ctx context.Context, cmds Commands, now time.Time, seed uint64) (Summary, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	admin := api.Actor{Name: "demo-seed", Role: api.RoleAdmin}
	start := now.Add(-Days * 24 * time.Hour).Truncate(time.Hour)
	var sum Summary
	var plan []step
	add := func(at time.Time, run func(ctx context.Context) (uint64, error)) {
		plan = append(plan, step{at: at, seq: len(plan), run: run})
	}

	for _, d := range departments {
		cmd := domain.RegisterDepartment{ID: d.id, Name: d.name, At: start.Add(-time.Hour)}
		add(cmd.At, func(ctx context.Context) (uint64, error) {
			r, err := cmds.PutDepartment(ctx, admin, api.Meta{}, cmd)
			return r.Position, err
		})
		sum.Departments++
	}
	for _, p := range pairs {
		agreement := func(at time.Time, resolve, respond time.Duration) {
			cmd := domain.SetAgreement{Supplier: p.supplier, Customer: p.customer,
				ResolveWithin: resolve, RespondWithin: respond, At: at}
			add(at, func(ctx context.Context) (uint64, error) {
				r, err := cmds.SetAgreement(ctx, admin, api.Meta{}, cmd)
				return r.Position, err
			})
			sum.Agreements++
		}
		agreement(start.Add(-time.Hour), p.resolve, p.respond)
		if p.tightenedAfter > 0 {
			at := now.Add(-time.Duration(p.tightenedAfter) * 24 * time.Hour)
			agreement(at, p.resolve*2/3, p.respond)
		}
		n := int(math.Round(p.perWeek * Days / 7))
		for i := 0; i < n; i++ {
			requested := workingTime(rng, start.Add(time.Duration(rng.Int64N(int64(Days*24*time.Hour)))))
			if requested.After(now) {
				continue
			}
			id := fmt.Sprintf("%s-%s-%03d", p.supplier, p.customer, i)
			if len(id) > 64 {
				id = id[len(id)-64:]
			}
			sum.Handoffs++
			for _, s := range lifecycle(rng, p, id, requested, now) {
				add(s.at, func(ctx context.Context) (uint64, error) { return s.exec(ctx, cmds, admin) })
			}
		}
	}

	slices.SortStableFunc(plan, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	for _, s := range plan {
		pos, err := s.run(ctx)
		if err != nil {
			return sum, fmt.Errorf("seeding the demo at %s: %w", s.at.Format(time.RFC3339), err)
		}
		sum.Commands++
		sum.Position = max(sum.Position, pos)
	}
	return sum, nil
}

// planned is one command of one hand-off at its business time.
type planned struct {
	at   time.Time
	exec func(ctx context.Context, cmds Commands, a api.Actor) (uint64, error)
}

func command(id string, cmd domain.HandoffCommand) func(context.Context, Commands, api.Actor) (uint64, error) {
	return func(ctx context.Context, cmds Commands, a api.Actor) (uint64, error) {
		r, err := cmds.Execute(ctx, a, api.Meta{}, id, cmd)
		return r.Position, err
	}
}

// lifecycle plans the commands of one hand-off; those later than now are
// left out, so recent hand-offs are still open.
func lifecycle(rng *rand.Rand, p profile, id string, requested, now time.Time) []planned {
	title := fmt.Sprintf(p.titles[rng.IntN(len(p.titles))], subjects[rng.IntN(len(subjects))])
	req := domain.RequestHandoff{ID: id, Supplier: p.supplier, Customer: p.customer, Kind: p.kind, Title: title, At: requested}
	out := []planned{{requested, func(ctx context.Context, cmds Commands, a api.Actor) (uint64, error) {
		r, err := cmds.RequestHandoff(ctx, a, api.Meta{}, req)
		return r.Position, err
	}}}
	t := requested
	next := func(d time.Duration, cmd domain.HandoffCommand) bool {
		t = t.Add(d)
		if t.After(now) {
			return false
		}
		cmd.At = t
		out = append(out, planned{t, command(id, cmd)})
		return true
	}
	respond := p.respond
	if respond == 0 {
		respond = 8 * time.Hour
	}
	lead := logNormal(rng, p.lead, p.spread)
	if !next(logNormal(rng, respond/3, 0.8), domain.HandoffCommand{Name: domain.Accept}) {
		return out
	}
	if rng.Float64() < p.pCancel {
		next(lead/3, domain.HandoffCommand{Name: domain.Cancel, Reason: "no longer needed"})
		return out
	}
	if rng.Float64() < p.pEscalate {
		if !next(lead/2, domain.HandoffCommand{Name: domain.Escalate, Reason: "blocking a customer commitment"}) {
			return out
		}
	}
	if rng.Float64() < p.pPause {
		if !next(lead/4, domain.HandoffCommand{Name: domain.Pause, Reason: "waiting for details from the requester"}) {
			return out
		}
		if !next(logNormal(rng, 20*time.Hour, 0.7), domain.HandoffCommand{Name: domain.Resume}) {
			return out
		}
	}
	if !next(lead/2, domain.HandoffCommand{Name: domain.Deliver, Note: "done"}) {
		return out
	}
	if rng.Float64() < p.pReturn {
		if !next(logNormal(rng, 6*time.Hour, 0.5), domain.HandoffCommand{Name: domain.Return, Reason: "incomplete: see comments"}) {
			return out
		}
		if !next(logNormal(rng, lead/3, 0.5), domain.HandoffCommand{Name: domain.Deliver, Note: "reworked"}) {
			return out
		}
	}
	if rng.Float64() < p.pRate {
		score := int(math.Round(p.mood + rng.NormFloat64()*0.9))
		next(logNormal(rng, 4*time.Hour, 0.6), domain.HandoffCommand{Name: domain.Rate, Score: min(5, max(1, score))})
	}
	return out
}

// logNormal draws a duration with the given median.
func logNormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(rng.NormFloat64()*sigma))
}

// workingTime moves t into working hours (Monday to Friday, 08:00 to 18:00 UTC).
func workingTime(rng *rand.Rand, t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.Add(24 * time.Hour)
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 8, 0, 0, 0, time.UTC)
	return day.Add(time.Duration(rng.Int64N(int64(10 * time.Hour))))
}
