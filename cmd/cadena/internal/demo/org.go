// Package demo builds a realistic demo organisation: twelve departments in
// offices with business-hours calendars (Madrid, Mexico City, a 24x7
// operations floor), the agreements between them in working time, and about
// ninety days of hand-offs with two friction hotspots, a pair that improved
// and customers' recognitions of suppliers that serve them well, issued
// through the application service as the commands a real organisation
// would have sent.
package demo

import "time"

// departments of the demo organisation.
var departments = []struct{ id, name string }{
	{"sales", "Sales"},
	{"legal", "Legal"},
	{"finance", "Finance"},
	{"it", "IT"},
	{"hr", "People & HR"},
	{"procurement", "Procurement"},
	{"marketing", "Marketing"},
	{"operations", "Operations"},
	{"customer-support", "Customer Support"},
	{"logistics", "Logistics"},
	{"security", "Information Security"},
	{"facilities", "Facilities"},
}

// profile describes how one supplier serves one customer. Targets and
// the supplier's times (lead, respond) are working time in the calendar
// the agreement names; the customer's (pauses, reviews) are wall clock.
type profile struct {
	supplier, customer, kind string
	titles                   []string
	calendar                 string        // the supplier's calendar, named by the agreement
	perWeek                  float64       // requests per week
	resolve, respond         time.Duration // agreement targets (0 respond: none)
	lead                     time.Duration // median supplier time to deliver
	spread                   float64       // log-normal sigma of the lead time
	pPause                   float64       // waits on the customer
	pReturn                  float64       // delivery sent back for rework
	pEscalate                float64
	pCancel                  float64
	pRate                    float64
	mood                     float64 // mean rating, 1..5
	// tightenedAfter, when set, tightens the agreement that many days ago.
	tightenedAfter int
	// improvedAfter, when set, is how many days ago the supplier changed
	// how it serves: hand-offs requested since then follow improved.
	improvedAfter int
	improved      *service
}

// service is how a supplier serves, for a profile that improved.
type service struct {
	lead               time.Duration
	spread             float64
	pReturn, pEscalate float64
	mood               float64
}

// at returns the profile a hand-off requested at t follows.
func (p profile) at(t, now time.Time) profile {
	if p.improved == nil || t.Before(now.AddDate(0, 0, -p.improvedAfter)) {
		return p
	}
	q := p
	q.lead, q.spread, q.pReturn, q.pEscalate, q.mood = p.improved.lead, p.improved.spread, p.improved.pReturn, p.improved.pEscalate, p.improved.mood
	return q
}

// pairs of the demo; legal -> sales and it -> hr are the hotspots, and
// finance -> sales improved a month ago (a new quote-approval workflow).
var pairs = []profile{
	{supplier: "legal", customer: "sales", kind: "contract-review", calendar: calMadrid,
		titles:  []string{"Review the %s master agreement", "Redline the %s NDA", "Approve non-standard terms for %s"},
		perWeek: 4.5, resolve: 24 * time.Hour, respond: 4 * time.Hour, lead: 30 * time.Hour, spread: 0.6,
		pPause: 0.3, pReturn: 0.35, pEscalate: 0.3, pCancel: 0.04, pRate: 0.8, mood: 2.4, tightenedAfter: 45},
	{supplier: "it", customer: "hr", kind: "laptop-provisioning", calendar: calMexico,
		titles:  []string{"Laptop and accounts for the new hire in %s", "Replace the broken laptop of %s", "Provision the %s intern cohort"},
		perWeek: 3.5, resolve: 18 * time.Hour, respond: 2 * time.Hour, lead: 24 * time.Hour, spread: 0.7,
		pPause: 0.1, pReturn: 0.25, pEscalate: 0.35, pCancel: 0.03, pRate: 0.8, mood: 2.2},
	{supplier: "it", customer: "finance", kind: "account-opening", calendar: calMexico,
		titles:  []string{"Open ledger accounts for %s", "Grant ERP access for %s"},
		perWeek: 3, resolve: 9 * time.Hour, respond: 2 * time.Hour, lead: 4 * time.Hour, spread: 0.5,
		pPause: 0.1, pReturn: 0.05, pEscalate: 0.03, pCancel: 0.02, pRate: 0.7, mood: 4.3},
	{supplier: "finance", customer: "procurement", kind: "invoice-approval", calendar: calMadrid,
		titles:  []string{"Approve the %s invoice batch", "Release payment to %s"},
		perWeek: 5, resolve: 16 * time.Hour, respond: 4 * time.Hour, lead: 7 * time.Hour, spread: 0.6,
		pPause: 0.15, pReturn: 0.08, pEscalate: 0.05, pCancel: 0.02, pRate: 0.6, mood: 3.9},
	{supplier: "procurement", customer: "operations", kind: "purchase-order", calendar: calMadrid,
		titles:  []string{"Purchase order for %s spare parts", "Source a new %s supplier"},
		perWeek: 3, resolve: 40 * time.Hour, respond: 8 * time.Hour, lead: 22 * time.Hour, spread: 0.5,
		pPause: 0.25, pReturn: 0.1, pEscalate: 0.08, pCancel: 0.05, pRate: 0.6, mood: 3.6},
	{supplier: "marketing", customer: "sales", kind: "campaign-assets", calendar: calMadrid,
		titles:  []string{"Pitch deck for %s", "Case study on %s"},
		perWeek: 2, resolve: 32 * time.Hour, lead: 16 * time.Hour, spread: 0.5,
		pPause: 0.2, pReturn: 0.2, pEscalate: 0.05, pCancel: 0.05, pRate: 0.7, mood: 3.8},
	{supplier: "security", customer: "it", kind: "access-review", calendar: calOps,
		titles:  []string{"Quarterly access review of %s", "Firewall change for %s"},
		perWeek: 1.5, resolve: 72 * time.Hour, respond: 24 * time.Hour, lead: 30 * time.Hour, spread: 0.5,
		pPause: 0.1, pReturn: 0.05, pEscalate: 0.02, pCancel: 0.02, pRate: 0.6, mood: 4.1},
	{supplier: "logistics", customer: "customer-support", kind: "shipment-trace", calendar: calOps,
		titles:  []string{"Trace the lost parcel of %s", "Expedite the order of %s"},
		perWeek: 4, resolve: 24 * time.Hour, respond: 2 * time.Hour, lead: 12 * time.Hour, spread: 0.6,
		pPause: 0.05, pReturn: 0.05, pEscalate: 0.08, pCancel: 0.03, pRate: 0.7, mood: 4.0},
	{supplier: "facilities", customer: "hr", kind: "workspace-setup", calendar: calMadrid,
		titles:  []string{"Desk and badge for %s", "Meeting room set-up for %s"},
		perWeek: 1.5, resolve: 24 * time.Hour, lead: 8 * time.Hour, spread: 0.4,
		pPause: 0.05, pReturn: 0.05, pEscalate: 0.02, pCancel: 0.02, pRate: 0.6, mood: 4.4},
	{supplier: "operations", customer: "logistics", kind: "dispatch-order", calendar: calOps,
		titles:  []string{"Dispatch the %s order", "Prepare the %s pallet"},
		perWeek: 3, resolve: 24 * time.Hour, respond: 4 * time.Hour, lead: 14 * time.Hour, spread: 0.5,
		pPause: 0.05, pReturn: 0.07, pEscalate: 0.04, pCancel: 0.03, pRate: 0.6, mood: 3.9},
	{supplier: "finance", customer: "sales", kind: "quote-approval", calendar: calMadrid,
		titles:  []string{"Approve the discount for %s", "Credit check for %s"},
		perWeek: 3, resolve: 8 * time.Hour, respond: 2 * time.Hour, lead: 14 * time.Hour, spread: 0.7,
		pPause: 0.1, pReturn: 0.3, pEscalate: 0.25, pCancel: 0.03, pRate: 0.8, mood: 2.6,
		improvedAfter: 32, improved: &service{lead: 4 * time.Hour, spread: 0.5, pReturn: 0.04, pEscalate: 0.02, mood: 4.4}},
	{supplier: "legal", customer: "procurement", kind: "vendor-contract", calendar: calMadrid,
		titles:  []string{"Vendor contract with %s", "Data processing agreement with %s"},
		perWeek: 1.5, resolve: 40 * time.Hour, respond: 8 * time.Hour, lead: 20 * time.Hour, spread: 0.5,
		pPause: 0.2, pReturn: 0.15, pEscalate: 0.08, pCancel: 0.04, pRate: 0.6, mood: 3.5},
	{supplier: "hr", customer: "customer-support", kind: "hiring-request", calendar: calMadrid,
		titles:  []string{"Hire two agents for %s", "Backfill the %s team lead"},
		perWeek: 0.8, resolve: 120 * time.Hour, lead: 60 * time.Hour, spread: 0.3,
		pPause: 0.2, pReturn: 0.05, pEscalate: 0.1, pCancel: 0.05, pRate: 0.7, mood: 3.7},
	{supplier: "it", customer: "customer-support", kind: "tooling-request", calendar: calMexico,
		titles:  []string{"Add %s macros to the ticket tool", "Fix the %s integration"},
		perWeek: 2, resolve: 18 * time.Hour, respond: 4 * time.Hour, lead: 9 * time.Hour, spread: 0.6,
		pPause: 0.1, pReturn: 0.12, pEscalate: 0.1, pCancel: 0.03, pRate: 0.7, mood: 3.6},
}

// recognition is a customer's thanks to a supplier that served it well,
// sent by the customer's head daysAgo days ago.
type recognition struct {
	supplier, customer, author, message string
	daysAgo                             int
}

var recognitions = []recognition{
	{"it", "finance", "finance-head", "ERP access for the whole audit team in one morning: thank you!", 75},
	{"facilities", "hr", "hr-head", "Every new hire this month found a desk and a badge waiting on day one.", 60},
	{"logistics", "customer-support", "support-head", "The weekend parcel traces kept three key accounts calm.", 52},
	{"security", "it", "it-head", "The access review was thorough and finished before the audit.", 40},
	{"finance", "sales", "sales-head", "The new quote-approval flow got the Globex discount approved the same day.", 20},
	{"logistics", "customer-support", "support-head", "Expedited the Wayne order overnight: the customer noticed.", 12},
	{"finance", "sales", "sales-head", "Credit checks now come back before the customer call ends. Thanks, Finance!", 6},
	{"it", "finance", "finance-head", "Month-end accounts opened without a single reminder.", 3},
}

// subjects fill the titles.
var subjects = []string{"ACME", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
	"Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp", "Aperture", "Nakatomi"}
