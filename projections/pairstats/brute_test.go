package pairstats_test

import (
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// brute computes the figures of the pairs selected by match straight from
// the events, following the definitions of the package documentation.
func brute(envs []projections.Envelope, opts pairstats.Options, w pairstats.Window,
	match func(supplier, customer string) bool, supplier, customer string) pairstats.Figures {
	defaultCal := opts.Calendar
	if defaultCal == nil {
		defaultCal = domain.WallClock{}
	}
	cals := calendarsOf(envs)
	anonMin := opts.Policy.AnonymityMin
	if anonMin == 0 {
		anonMin = 5
	}
	ratio := opts.Policy.AtRiskRatio
	if ratio == 0 {
		ratio = 0.75
	}
	// atRisk: owned >= ratio x target, compared exactly as rationals.
	exactRatio := new(big.Rat).SetFloat64(ratio)
	atRisk := func(owned, target time.Duration) bool {
		line := new(big.Rat).Mul(exactRatio, new(big.Rat).SetInt64(int64(target)))
		return new(big.Rat).SetInt64(int64(owned)).Cmp(line) >= 0
	}
	in := func(t time.Time) bool { return !t.Before(w.From) && t.Before(w.To) }

	// Group events by hand-off, in log order.
	var order []string
	events := map[string][]domain.Event{}
	for _, env := range envs {
		id := handoffID(env.Event)
		if id == "" {
			continue
		}
		if _, ok := events[id]; !ok {
			order = append(order, id)
		}
		events[id] = append(events[id], env.Event)
	}

	f := pairstats.Figures{Supplier: supplier, Customer: customer}
	var leads, resps []time.Duration
	var ratings [5]int
	perPair := map[[2]string]int{} // ratings in the window per pair matched
	for _, id := range order {
		evs := events[id]
		req := evs[0].(domain.HandoffRequested)
		if !match(req.Supplier, req.Customer) {
			continue
		}
		cal := defaultCal
		if a := req.Agreement; a != nil && cals[a.Calendar] != nil {
			cal = cals[a.Calendar]
		}
		// Facts attributed by their own time.
		latestRating := map[int]domain.HandoffRated{}
		for _, e := range evs {
			if r, ok := e.(domain.HandoffRated); ok {
				latestRating[r.Delivery] = r
			}
			if !in(domain.OccurredAt(e)) {
				continue
			}
			switch e.(type) {
			case domain.HandoffRequested:
				f.Requested++
			case domain.HandoffDelivered:
				f.Delivered++
			case domain.HandoffReturned:
				f.Returned++
			case domain.HandoffEscalated:
				f.Escalated++
			case domain.HandoffCancelled:
				f.Cancelled++
			}
		}
		for _, r := range latestRating {
			if in(r.At) {
				ratings[r.Score-1]++
				perPair[[2]string{req.Supplier, req.Customer}]++
			}
		}
		// Current state.
		var now domain.Handoff
		for _, e := range evs {
			now = domain.EvolveHandoff(now, e)
		}
		if now.State == domain.StateDelivered && in(now.LatestDeliveryAt) {
			f.Completed++
			leads = append(leads, now.LatestDeliveryAt.Sub(now.RequestedAt))
			if now.Agreement != nil {
				el, _ := now.ResolveElapsed(cal)
				if el <= now.Agreement.ResolveWithin() {
					f.SLA.Met++
				} else {
					f.SLA.Breached++
				}
			}
		}
		if !now.FirstResponseAt.IsZero() && in(now.FirstResponseAt) {
			resps = append(resps, now.FirstResponseAt.Sub(now.RequestedAt))
			if now.Agreement != nil && now.Agreement.RespondWithinS > 0 {
				el, _ := now.RespondElapsed(cal)
				if el <= now.Agreement.RespondWithin() {
					f.ResponseSLA.Met++
				} else {
					f.ResponseSLA.Breached++
				}
			}
		}
		// State as of the window's end: the events before it.
		var then domain.Handoff
		for _, e := range evs {
			if !domain.OccurredAt(e).Before(w.To) {
				break
			}
			then = domain.EvolveHandoff(then, e)
		}
		if then.Open() {
			f.Open++
			if a := then.Agreement; a != nil {
				owned := then.SupplierOwned(cal, w.To)
				if owned > a.ResolveWithin() {
					f.SLA.OpenBreached++
				} else if atRisk(owned, a.ResolveWithin()) {
					f.SLA.AtRisk++
				}
			}
		}
	}

	f.ReworkRate = rate(f.Returned, f.Delivered)
	f.EscalationRate = math.Min(rate(f.Escalated, f.Requested), 1)
	f.LeadTime.Count = len(leads)
	if len(leads) > 0 {
		f.LeadTime.P50, f.LeadTime.P90 = exactQuantile(leads, 0.5), exactQuantile(leads, 0.9)
		f.LeadTime.P95, f.LeadTime.P99 = exactQuantile(leads, 0.95), exactQuantile(leads, 0.99)
		f.LeadTime.Mean = mean(leads)
	}
	f.ResponseTime.Count = len(resps)
	if len(resps) > 0 {
		f.ResponseTime.P50, f.ResponseTime.P90 = exactQuantile(resps, 0.5), exactQuantile(resps, 0.9)
		f.ResponseTime.Mean = mean(resps)
	}
	if n := f.SLA.Met + f.SLA.Breached + f.SLA.OpenBreached; n > 0 {
		f.SLA.Compliance = fptr(float64(f.SLA.Met) / float64(n))
	}
	if n := f.ResponseSLA.Met + f.ResponseSLA.Breached; n > 0 {
		f.ResponseSLA.Compliance = fptr(float64(f.ResponseSLA.Met) / float64(n))
	}
	n, sum := 0, 0
	for i, c := range ratings {
		n += c
		sum += (i + 1) * c
	}
	f.Satisfaction.Ratings = n
	// An aggregate hides satisfaction while one of its pairs would.
	hidden := false
	for _, k := range perPair {
		hidden = hidden || k < anonMin
	}
	if n > 0 && n >= anonMin && !hidden {
		f.Satisfaction.Mean = fptr(float64(sum) / float64(n))
		f.Satisfaction.CSAT = fptr(float64(ratings[3]+ratings[4]) / float64(n))
		f.Satisfaction.Dissatisfied = fptr(float64(ratings[0]+ratings[1]) / float64(n))
		f.Satisfaction.Distribution = &pairstats.Distribution{One: ratings[0], Two: ratings[1],
			Three: ratings[2], Four: ratings[3], Five: ratings[4]}
	}
	breach, dis := 0.0, 0.0
	if f.SLA.Compliance != nil {
		breach = 1 - *f.SLA.Compliance
	}
	if f.Satisfaction.Dissatisfied != nil {
		dis = *f.Satisfaction.Dissatisfied
	}
	d := pairstats.Drivers{Breach: 100 * 0.35 * breach, Rework: 100 * 0.25 * f.ReworkRate,
		Dissatisfaction: 100 * 0.25 * dis, Escalation: 100 * 0.15 * f.EscalationRate}
	f.Friction = pairstats.Friction{Score: d.Breach + d.Rework + d.Dissatisfaction + d.Escalation, Drivers: d, TopDriver: "none"}
	if f.Friction.Score > 0 {
		names := []string{"breach", "rework", "dissatisfaction", "escalation"}
		vals := []float64{d.Breach, d.Rework, d.Dissatisfaction, d.Escalation}
		best := 0
		for i := range vals {
			if vals[i] > vals[best] {
				best = i
			}
		}
		f.Friction.TopDriver = names[best]
	}
	return f
}

func handoffID(e domain.Event) string {
	switch e := e.(type) {
	case domain.HandoffRequested:
		return e.HandoffID
	case domain.HandoffAccepted:
		return e.HandoffID
	case domain.HandoffPaused:
		return e.HandoffID
	case domain.HandoffResumed:
		return e.HandoffID
	case domain.HandoffDelivered:
		return e.HandoffID
	case domain.HandoffReturned:
		return e.HandoffID
	case domain.HandoffEscalated:
		return e.HandoffID
	case domain.HandoffCancelled:
		return e.HandoffID
	case domain.HandoffRated:
		return e.HandoffID
	}
	return ""
}

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func fptr(v float64) *float64 { return &v }

// exactQuantile returns the value of rank q*(n-1) (rounded down) in seconds.
func exactQuantile(ds []time.Duration, q float64) *float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return fptr(s[int(q*float64(len(s)-1))].Seconds())
}

func mean(ds []time.Duration) *float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return fptr(sum.Seconds() / float64(len(ds)))
}
