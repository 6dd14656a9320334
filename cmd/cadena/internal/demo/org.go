// Package demo builds a realistic demo organisation: twelve departments,
// the agreements between them, and about ninety days of hand-offs with a
// few friction hotspots, issued through the application service as the
// commands a real organisation would have sent.
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

// profile describes how one supplier serves one customer.
type profile struct {
	supplier, customer, kind string
	titles                   []string
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
}

// pairs of the demo; legal -> sales and it -> hr are the hotspots.
var pairs = []profile{
	{supplier: "legal", customer: "sales", kind: "contract-review",
		titles:  []string{"Review the %s master agreement", "Redline the %s NDA", "Approve non-standard terms for %s"},
		perWeek: 4.5, resolve: 72 * time.Hour, respond: 8 * time.Hour, lead: 80 * time.Hour, spread: 0.6,
		pPause: 0.3, pReturn: 0.35, pEscalate: 0.3, pCancel: 0.04, pRate: 0.8, mood: 2.4, tightenedAfter: 45},
	{supplier: "it", customer: "hr", kind: "laptop-provisioning",
		titles:  []string{"Laptop and accounts for the new hire in %s", "Replace the broken laptop of %s", "Provision the %s intern cohort"},
		perWeek: 3.5, resolve: 48 * time.Hour, respond: 4 * time.Hour, lead: 40 * time.Hour, spread: 0.7,
		pPause: 0.1, pReturn: 0.25, pEscalate: 0.35, pCancel: 0.03, pRate: 0.8, mood: 2.2},
	{supplier: "it", customer: "finance", kind: "account-opening",
		titles:  []string{"Open ledger accounts for %s", "Grant ERP access for %s"},
		perWeek: 3, resolve: 24 * time.Hour, respond: 4 * time.Hour, lead: 10 * time.Hour, spread: 0.5,
		pPause: 0.1, pReturn: 0.05, pEscalate: 0.03, pCancel: 0.02, pRate: 0.7, mood: 4.3},
	{supplier: "finance", customer: "procurement", kind: "invoice-approval",
		titles:  []string{"Approve the %s invoice batch", "Release payment to %s"},
		perWeek: 5, resolve: 48 * time.Hour, respond: 8 * time.Hour, lead: 20 * time.Hour, spread: 0.6,
		pPause: 0.15, pReturn: 0.08, pEscalate: 0.05, pCancel: 0.02, pRate: 0.6, mood: 3.9},
	{supplier: "procurement", customer: "operations", kind: "purchase-order",
		titles:  []string{"Purchase order for %s spare parts", "Source a new %s supplier"},
		perWeek: 3, resolve: 120 * time.Hour, respond: 24 * time.Hour, lead: 70 * time.Hour, spread: 0.5,
		pPause: 0.25, pReturn: 0.1, pEscalate: 0.08, pCancel: 0.05, pRate: 0.6, mood: 3.6},
	{supplier: "marketing", customer: "sales", kind: "campaign-assets",
		titles:  []string{"Pitch deck for %s", "Case study on %s"},
		perWeek: 2, resolve: 96 * time.Hour, lead: 50 * time.Hour, spread: 0.5,
		pPause: 0.2, pReturn: 0.2, pEscalate: 0.05, pCancel: 0.05, pRate: 0.7, mood: 3.8},
	{supplier: "security", customer: "it", kind: "access-review",
		titles:  []string{"Quarterly access review of %s", "Firewall change for %s"},
		perWeek: 1.5, resolve: 72 * time.Hour, respond: 24 * time.Hour, lead: 30 * time.Hour, spread: 0.5,
		pPause: 0.1, pReturn: 0.05, pEscalate: 0.02, pCancel: 0.02, pRate: 0.6, mood: 4.1},
	{supplier: "logistics", customer: "customer-support", kind: "shipment-trace",
		titles:  []string{"Trace the lost parcel of %s", "Expedite the order of %s"},
		perWeek: 4, resolve: 24 * time.Hour, respond: 2 * time.Hour, lead: 12 * time.Hour, spread: 0.6,
		pPause: 0.05, pReturn: 0.05, pEscalate: 0.08, pCancel: 0.03, pRate: 0.7, mood: 4.0},
	{supplier: "facilities", customer: "hr", kind: "workspace-setup",
		titles:  []string{"Desk and badge for %s", "Meeting room set-up for %s"},
		perWeek: 1.5, resolve: 72 * time.Hour, lead: 24 * time.Hour, spread: 0.4,
		pPause: 0.05, pReturn: 0.05, pEscalate: 0.02, pCancel: 0.02, pRate: 0.6, mood: 4.4},
	{supplier: "operations", customer: "logistics", kind: "dispatch-order",
		titles:  []string{"Dispatch the %s order", "Prepare the %s pallet"},
		perWeek: 3, resolve: 24 * time.Hour, respond: 4 * time.Hour, lead: 14 * time.Hour, spread: 0.5,
		pPause: 0.05, pReturn: 0.07, pEscalate: 0.04, pCancel: 0.03, pRate: 0.6, mood: 3.9},
	{supplier: "finance", customer: "sales", kind: "quote-approval",
		titles:  []string{"Approve the discount for %s", "Credit check for %s"},
		perWeek: 2.5, resolve: 24 * time.Hour, respond: 4 * time.Hour, lead: 16 * time.Hour, spread: 0.7,
		pPause: 0.1, pReturn: 0.1, pEscalate: 0.12, pCancel: 0.03, pRate: 0.7, mood: 3.5},
	{supplier: "legal", customer: "procurement", kind: "vendor-contract",
		titles:  []string{"Vendor contract with %s", "Data processing agreement with %s"},
		perWeek: 1.5, resolve: 120 * time.Hour, respond: 24 * time.Hour, lead: 60 * time.Hour, spread: 0.5,
		pPause: 0.2, pReturn: 0.15, pEscalate: 0.08, pCancel: 0.04, pRate: 0.6, mood: 3.5},
	{supplier: "hr", customer: "customer-support", kind: "hiring-request",
		titles:  []string{"Hire two agents for %s", "Backfill the %s team lead"},
		perWeek: 0.8, resolve: 30 * 24 * time.Hour, lead: 18 * 24 * time.Hour, spread: 0.3,
		pPause: 0.2, pReturn: 0.05, pEscalate: 0.1, pCancel: 0.05, pRate: 0.7, mood: 3.7},
	{supplier: "it", customer: "customer-support", kind: "tooling-request",
		titles:  []string{"Add %s macros to the ticket tool", "Fix the %s integration"},
		perWeek: 2, resolve: 48 * time.Hour, respond: 8 * time.Hour, lead: 30 * time.Hour, spread: 0.6,
		pPause: 0.1, pReturn: 0.12, pEscalate: 0.1, pCancel: 0.03, pRate: 0.7, mood: 3.6},
}

// subjects fill the titles.
var subjects = []string{"ACME", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
	"Soylent", "Tyrell", "Cyberdyne", "Wonka", "Gringotts", "Oscorp", "Aperture", "Nakatomi"}
