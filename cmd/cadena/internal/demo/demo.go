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
	PutCalendar(ctx context.Context, a api.Actor, m api.Meta, cmd domain.SetCalendar) (api.CalendarResult, error)
	Recognise(ctx context.Context, a api.Actor, m api.Meta, cmd domain.Recognise) (api.RecognitionResult, error)
	Batch(ctx context.Context, a api.Actor, cmds []api.Command) ([]api.CommandResult, error)
}

// Summary counts what Seed recorded.
type Summary struct {
	Calendars    int
	Departments  int
	Agreements   int
	Handoffs     int
	Recognitions int
	Commands     int
	Position     uint64 // global position after the last command
}

// Days is how far back the demo history reaches.
const Days = 90

// step is one command of the plan, at its business time: a command of a
// batch, or one run on its own (calendars and recognitions, which batches
// do not take).
type step struct {
	at    time.Time
	seq   int // tie-break: keeps each hand-off's commands in plan order
	cmd   *api.Command
	alone func(ctx context.Context) (uint64, error)
}

// Seed records the demo organisation through cmds, with history over the
// Days before now. The same seed gives the same organisation. Hand-off
// commands go in batches (one commit each on the embedded store), in
// business-time order.
func Seed(ctx context.Context, cmds Commands, now time.Time, seed uint64) (Summary, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	admin := api.Actor{Name: "demo-seed", Role: api.RoleAdmin}
	start := now.Add(-Days * 24 * time.Hour).Truncate(time.Hour)
	var sum Summary
	var plan []step
	batch := func(at time.Time, c api.Command) {
		plan = append(plan, step{at: at, seq: len(plan), cmd: &c})
	}
	alone := func(at time.Time, run func(ctx context.Context) (uint64, error)) {
		plan = append(plan, step{at: at, seq: len(plan), alone: run})
	}

	cals := calendars(now)
	clocks, err := compiled(cals)
	if err != nil {
		return sum, err
	}
	for _, c := range cals {
		c.At = start.Add(-2 * time.Hour)
		alone(c.At, func(ctx context.Context) (uint64, error) {
			r, err := cmds.PutCalendar(ctx, admin, api.Meta{}, c)
			return r.Position, err
		})
		sum.Calendars++
	}
	for _, d := range departments {
		batch(start.Add(-time.Hour), api.Command{Department: &domain.RegisterDepartment{ID: d.id, Name: d.name, At: start.Add(-time.Hour)}})
		sum.Departments++
	}
	for _, p := range pairs {
		agreement := func(at time.Time, resolve, respond time.Duration) {
			batch(at, api.Command{Agreement: &domain.SetAgreement{Supplier: p.supplier, Customer: p.customer,
				ResolveWithin: resolve, RespondWithin: respond, Calendar: p.calendar, At: at}})
			sum.Agreements++
		}
		agreement(start.Add(-time.Hour), p.resolve, p.respond)
		if p.tightenedAfter > 0 {
			at := now.Add(-time.Duration(p.tightenedAfter) * 24 * time.Hour)
			agreement(at, p.resolve*2/3, p.respond)
		}
		clock := clocks[p.calendar]
		n := int(math.Round(p.perWeek * Days / 7))
		for i := 0; i < n; i++ {
			// Requests arrive during the supplier's working time.
			requested, ok := clock.Add(start.Add(time.Duration(rng.Int64N(Days*24*3600))*time.Second), time.Duration(60+rng.Int64N(3600))*time.Second)
			if !ok || requested.After(now) {
				continue
			}
			id := fmt.Sprintf("%s-%s-%03d", p.supplier, p.customer, i)
			if len(id) > 64 {
				id = id[len(id)-64:]
			}
			sum.Handoffs++
			for _, c := range lifecycle(rng, p.at(requested, now), clock, id, requested, now) {
				batch(c.at, c.cmd)
			}
		}
	}
	madrid := clocks[calMadrid]
	for _, r := range recognitions {
		day := now.AddDate(0, 0, -r.daysAgo).Truncate(24 * time.Hour)
		at, ok := madrid.Add(day, time.Duration(2*3600+rng.Int64N(4*3600))*time.Second)
		if !ok || at.After(now) {
			continue
		}
		cmd := domain.Recognise{Supplier: r.supplier, Customer: r.customer, Message: r.message, At: at}
		head := api.Actor{Name: r.author, Role: api.RoleHead, Department: r.customer}
		alone(at, func(ctx context.Context) (uint64, error) {
			res, err := cmds.Recognise(ctx, head, api.Meta{}, cmd)
			return res.Position, err
		})
		sum.Recognitions++
	}

	slices.SortStableFunc(plan, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	var pending []step
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		batchCmds := make([]api.Command, len(pending))
		for i, s := range pending {
			batchCmds[i] = *s.cmd
		}
		res, err := cmds.Batch(ctx, admin, batchCmds)
		if err != nil {
			return fmt.Errorf("seeding the demo: %w", err)
		}
		for i, r := range res {
			if r.Err != nil {
				return fmt.Errorf("seeding the demo at %s: %w", pending[i].at.Format(time.RFC3339), r.Err)
			}
			sum.Commands++
			sum.Position = max(sum.Position, r.Position)
		}
		pending = pending[:0]
		return nil
	}
	for _, s := range plan {
		if s.cmd != nil {
			pending = append(pending, s)
			if len(pending) == maxBatch {
				if err := flush(); err != nil {
					return sum, err
				}
			}
			continue
		}
		if err := flush(); err != nil {
			return sum, err
		}
		pos, err := s.alone(ctx)
		if err != nil {
			return sum, fmt.Errorf("seeding the demo at %s: %w", s.at.Format(time.RFC3339), err)
		}
		sum.Commands++
		sum.Position = max(sum.Position, pos)
	}
	if err := flush(); err != nil {
		return sum, err
	}
	return sum, nil
}

// maxBatch is the most commands Seed sends in one batch.
const maxBatch = 4096

// planned is one command of one hand-off at its business time.
type planned struct {
	at  time.Time
	cmd api.Command
}

// lifecycle plans the commands of one hand-off; those later than now are
// left out, so recent hand-offs are still open. The supplier's steps
// (accepting, pausing, delivering) take working time in clock, the
// customer's (resuming after a wait, returning, rating) wall-clock time.
func lifecycle(rng *rand.Rand, p profile, clock domain.DeadlineCalendar, id string, requested, now time.Time) []planned {
	title := fmt.Sprintf(p.titles[rng.IntN(len(p.titles))], subjects[rng.IntN(len(subjects))])
	req := domain.RequestHandoff{ID: id, Supplier: p.supplier, Customer: p.customer, Kind: p.kind, Title: title, At: requested}
	out := []planned{{requested, api.Command{Request: &req}}}
	t := requested
	step := func(at time.Time, ok bool, cmd domain.HandoffCommand) bool {
		if !ok || at.After(now) {
			return false
		}
		t, cmd.At = at, at
		out = append(out, planned{t, api.Command{HandoffID: id, Handoff: cmd}})
		return true
	}
	// Business times are whole seconds, as people and exports record them.
	work := func(d time.Duration, cmd domain.HandoffCommand) bool {
		at, ok := clock.Add(t, d.Round(time.Second))
		return step(at, ok, cmd)
	}
	wall := func(d time.Duration, cmd domain.HandoffCommand) bool {
		return step(t.Add(d.Round(time.Second)), true, cmd)
	}
	respond := p.respond
	if respond == 0 {
		respond = 4 * time.Hour
	}
	lead := logNormal(rng, p.lead, p.spread)
	if !work(logNormal(rng, respond/3, 0.8), domain.HandoffCommand{Name: domain.Accept}) {
		return out
	}
	if rng.Float64() < p.pCancel {
		work(lead/3, domain.HandoffCommand{Name: domain.Cancel, Reason: "no longer needed"})
		return out
	}
	if rng.Float64() < p.pEscalate {
		if !work(lead/2, domain.HandoffCommand{Name: domain.Escalate, Reason: "blocking a customer commitment"}) {
			return out
		}
	}
	if rng.Float64() < p.pPause {
		if !work(lead/4, domain.HandoffCommand{Name: domain.Pause, Reason: "waiting for details from the requester"}) {
			return out
		}
		if !wall(logNormal(rng, 20*time.Hour, 0.7), domain.HandoffCommand{Name: domain.Resume}) {
			return out
		}
	}
	if !work(lead/2, domain.HandoffCommand{Name: domain.Deliver, Note: "done"}) {
		return out
	}
	if rng.Float64() < p.pReturn {
		if !wall(logNormal(rng, 6*time.Hour, 0.5), domain.HandoffCommand{Name: domain.Return, Reason: "incomplete: see comments"}) {
			return out
		}
		if !work(logNormal(rng, lead/3, 0.5), domain.HandoffCommand{Name: domain.Deliver, Note: "reworked"}) {
			return out
		}
	}
	if rng.Float64() < p.pRate {
		score := int(math.Round(p.mood + rng.NormFloat64()*0.9))
		wall(logNormal(rng, 4*time.Hour, 0.6), domain.HandoffCommand{Name: domain.Rate, Score: min(5, max(1, score))})
	}
	return out
}

// logNormal draws a duration with the given median, in whole seconds.
func logNormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return time.Duration(float64(median) * math.Exp(rng.NormFloat64()*sigma)).Round(time.Second)
}
