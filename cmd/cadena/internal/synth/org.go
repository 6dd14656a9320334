package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// functions and regions name the departments: "legal-emea" is the legal
// department of the EMEA region.
var (
	functions = []string{"legal", "finance", "it", "hr", "procurement", "sales", "marketing", "operations",
		"support", "logistics", "security", "facilities", "engineering", "quality", "research"}
	regions = []string{"emea", "amer", "apac", "iberia", "nordics", "benelux", "dach", "france", "italy", "uk",
		"mexico", "brazil", "andes", "canada", "us-east", "us-west", "india", "japan", "anz", "gulf"}
	kinds = map[string][]string{
		"legal": {"contract-review", "nda", "vendor-contract"}, "finance": {"invoice-approval", "quote-approval", "credit-check"},
		"it": {"laptop-provisioning", "account-opening", "tooling-request"}, "hr": {"hiring-request", "onboarding"},
		"procurement": {"purchase-order", "supplier-sourcing"}, "sales": {"customer-intro", "forecast"},
		"marketing": {"campaign-assets", "case-study"}, "operations": {"dispatch-order", "capacity-plan"},
		"support": {"escalated-ticket", "customer-callback"}, "logistics": {"shipment-trace", "expedite"},
		"security": {"access-review", "firewall-change"}, "facilities": {"workspace-setup", "repair"},
		"engineering": {"feature-request", "bug-fix", "design-review"}, "quality": {"audit", "non-conformity"},
		"research": {"analysis", "prototype"},
	}
	subjects = []string{"ACME", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
		"Soylent", "Tyrell", "Cyberdyne", "Wonka", "Oscorp", "Aperture", "Nakatomi", "the Q3 launch"}
	titles = []string{"Please handle %s for %s", "%s needed for %s by Friday", "Urgent: %s for %s", "%s (%s account)"}
)

// department is one generated department.
type department struct {
	id, name, function string
}

// departmentsOf returns n departments, every function in every region
// first, then numbered copies.
func departmentsOf(n int) []department {
	out := make([]department, 0, n)
	for i := 0; len(out) < n; i++ {
		fn, region := functions[i%len(functions)], regions[(i/len(functions))%len(regions)]
		id, name := fn+"-"+region, strings.ToUpper(fn[:1])+fn[1:]+" ("+strings.ToUpper(region)+")"
		if round := i / (len(functions) * len(regions)); round > 0 {
			id, name = fmt.Sprintf("%s-%d", id, round+1), fmt.Sprintf("%s %d", name, round+1)
		}
		out = append(out, department{id: id, name: name, function: fn})
	}
	return out
}

// agreement is one AgreementSet of a pair, at its time, with the version
// of the pair's agreement stream it makes.
type agreement struct {
	at    time.Time
	terms domain.AgreementTerms
}

// pair is how one supplier serves one customer.
type pair struct {
	supplier, customer int // indexes into the departments
	kinds              []string
	weight             float64 // relative request rate
	lead               time.Duration
	spread             float64
	respond            time.Duration
	pPause, pReturn    float64
	pEscalate, pCancel float64
	pRate, pAbandon    float64
	mood               float64
	agreements         []agreement // in time order
}

// inForce returns the terms in force at t for kind, as
// domain.Agreements.InForce would: the kind's own, else the general one.
func (p *pair) inForce(kind string, t time.Time) *domain.AgreementTerms {
	var general, own *domain.AgreementTerms
	for i := range p.agreements {
		a := &p.agreements[i]
		if a.at.After(t) {
			break
		}
		switch a.terms.Kind {
		case "":
			general = &a.terms
		case kind:
			own = &a.terms
		}
	}
	if own != nil {
		return own
	}
	return general
}

// pairsOf draws n distinct pairs over the departments, with their service
// profiles and agreements; about one pair in twenty is a friction hotspot.
func pairsOf(rng *rand.Rand, depts []department, n int, start time.Time, days int) []pair {
	seen := map[[2]int]bool{}
	out := make([]pair, 0, n)
	for len(out) < n {
		// Suppliers are skewed: a few shared services serve many customers.
		s := int(math.Floor(math.Pow(rng.Float64(), 1.6) * float64(len(depts))))
		c := rng.IntN(len(depts))
		if s == c || seen[[2]int{s, c}] {
			continue
		}
		seen[[2]int{s, c}] = true
		ks := kinds[depts[s].function]
		p := pair{supplier: s, customer: c,
			kinds:   ks[:1+rng.IntN(len(ks))],
			weight:  math.Exp(rng.NormFloat64() * 1.1),
			lead:    logNormal(rng, 14*time.Hour, 0.7),
			spread:  0.4 + 0.4*rng.Float64(),
			respond: logNormal(rng, 3*time.Hour, 0.5),
			pPause:  0.05 + 0.25*rng.Float64(), pReturn: 0.03 + 0.15*rng.Float64(),
			pEscalate: 0.02 + 0.08*rng.Float64(), pCancel: 0.01 + 0.04*rng.Float64(),
			pRate: 0.5 + 0.35*rng.Float64(), pAbandon: 0.01, mood: 3.4 + 1.1*rng.Float64(),
		}
		if rng.IntN(20) == 0 { // a hotspot
			p.lead *= 3
			p.pReturn, p.pEscalate, p.mood = 0.35, 0.3, 2.3
		}
		p.agreements = agreementsOf(rng, p, start, days)
		out = append(out, p)
	}
	return out
}

// agreementsOf plans the agreements of a pair: nine in ten pairs have one
// for every kind (four in ten of them in working time), some also one
// narrowed to a kind, and some are tightened during the year.
func agreementsOf(rng *rand.Rand, p pair, start time.Time, days int) []agreement {
	if rng.IntN(10) == 0 {
		return nil
	}
	var out []agreement
	add := func(at time.Time, kind string, resolve, respond time.Duration, cal string) {
		out = append(out, agreement{at: at, terms: domain.AgreementTerms{Version: uint64(len(out) + 1), Kind: kind,
			ResolveWithinS: int64(max(time.Minute, resolve.Round(time.Minute)) / time.Second),
			RespondWithinS: int64(respond.Round(time.Minute) / time.Second), Calendar: cal}})
	}
	cal := ""
	if rng.IntN(10) < 4 {
		cal = calendarSpecs[rng.IntN(len(calendarSpecs))].id
	}
	resolve := time.Duration(float64(p.lead) * (1 + rng.Float64()))
	respond := time.Duration(0)
	if rng.IntN(10) < 7 {
		respond = p.respond * 2
	}
	setup := start.Add(-time.Hour)
	add(setup, "", resolve, respond, cal)
	if len(p.kinds) > 1 && rng.IntN(10) == 0 {
		add(setup, p.kinds[len(p.kinds)-1], resolve*2, 0, cal)
	}
	if rng.IntN(7) == 0 {
		at := start.Add(time.Duration(days) * 24 * time.Hour * time.Duration(25+rng.IntN(50)) / 100).Truncate(time.Hour)
		add(at, "", resolve*2/3, respond, cal)
	}
	return out
}

// calendarSpec is one business-hours calendar of the organisation.
type calendarSpec struct {
	id, name, zone string
	week           domain.Week
	holidays       []string // MM-DD, every year
}

var (
	office = []string{"09:00-13:00", "14:00-18:00"}
	allDay = []string{"00:00-24:00"}
)

var calendarSpecs = []calendarSpec{
	{id: "europe-office", name: "European offices", zone: "Europe/Madrid",
		week:     domain.Week{Mon: office, Tue: office, Wed: office, Thu: office, Fri: []string{"08:00-15:00"}},
		holidays: []string{"01-01", "01-06", "05-01", "08-15", "10-12", "11-01", "12-08", "12-25"}},
	{id: "americas-office", name: "Americas offices", zone: "America/Mexico_City",
		week:     domain.Week{Mon: office, Tue: office, Wed: office, Thu: office, Fri: office},
		holidays: []string{"01-01", "05-01", "09-16", "12-25"}},
	{id: "apac-office", name: "Asia-Pacific offices", zone: "Asia/Singapore",
		week:     domain.Week{Mon: office, Tue: office, Wed: office, Thu: office, Fri: office},
		holidays: []string{"01-01", "05-01", "08-09", "12-25"}},
	{id: "operations-24x7", name: "Operations (24x7)", zone: "UTC",
		week: domain.Week{Mon: allDay, Tue: allDay, Wed: allDay, Thu: allDay, Fri: allDay, Sat: allDay, Sun: allDay}},
}

// calendarEvents returns the CalendarSet events of the organisation,
// decided by the domain, with the holidays of the years the log spans.
func calendarEvents(at time.Time, days int) ([]domain.Event, error) {
	var out []domain.Event
	for _, c := range calendarSpecs {
		spec := domain.CalendarSpec{Name: c.name, TimeZone: c.zone, Week: c.week}
		for y := at.Year(); y <= at.AddDate(0, 0, days+30).Year(); y++ {
			for _, h := range c.holidays {
				spec.Exceptions = append(spec.Exceptions, domain.CalendarException{Date: fmt.Sprintf("%d-%s", y, h), Name: "holiday"})
			}
		}
		evs, err := domain.DecideSetCalendar(domain.CalendarState{}, domain.SetCalendar{ID: c.id, Spec: spec, At: at}, at)
		if err != nil {
			return nil, fmt.Errorf("synth: calendar %s: %w", c.id, err)
		}
		out = append(out, evs...)
	}
	return out, nil
}

// calendarRedefined returns the event that redefines the calendar first
// set by first at at, as the domain decides it: its Fridays end at 14:00
// from then on (summer hours).
func calendarRedefined(first domain.CalendarSet, at time.Time) (domain.CalendarSet, error) {
	spec := first.CalendarSpec
	spec.Week.Fri = []string{"08:00-14:00"}
	state := domain.EvolveCalendar(domain.CalendarState{}, first)
	evs, err := domain.DecideSetCalendar(state, domain.SetCalendar{ID: first.CalendarID, Spec: spec, At: at}, at)
	if err != nil {
		return domain.CalendarSet{}, fmt.Errorf("synth: redefining calendar %s: %w", first.CalendarID, err)
	}
	if len(evs) != 1 {
		return domain.CalendarSet{}, fmt.Errorf("synth: redefining calendar %s: the domain decided %d events", first.CalendarID, len(evs))
	}
	return evs[0].(domain.CalendarSet), nil
}

// retiree returns the department to retire in the course of the history:
// the one whose pairs carry the least of the requests (none, often), among
// those that some pair does not involve; -1 when there is none.
func retiree(depts []department, ps []pair) int {
	weight := make([]float64, len(depts))
	involved := make([]int, len(depts))
	for _, p := range ps {
		weight[p.supplier] += p.weight
		weight[p.customer] += p.weight
		involved[p.supplier]++
		involved[p.customer]++
	}
	best := -1
	for i := range depts {
		if involved[i] < len(ps) && (best < 0 || weight[i] < weight[best]) {
			best = i
		}
	}
	return best
}

// logNormal draws a duration with the given median, in whole seconds.
func logNormal(rng *rand.Rand, median time.Duration, sigma float64) time.Duration {
	return max(time.Second, time.Duration(float64(median)*math.Exp(rng.NormFloat64()*sigma)).Round(time.Second))
}

// cumulative returns the running sums of the pairs' weights, to draw a
// pair with sampleIndex.
func cumulative(ps []pair) []float64 {
	out := make([]float64, len(ps))
	sum := 0.0
	for i, p := range ps {
		sum += p.weight
		out[i] = sum
	}
	return out
}

// sampleIndex draws an index with probability proportional to its weight.
func sampleIndex(rng *rand.Rand, cum []float64) int {
	x := rng.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	return min(i, len(cum)-1)
}
