package pairstats_test

import (
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func Example() {
	m := pairstats.New(pairstats.Options{}) // UTC, wall clock, anonymity from 5 ratings
	at := func(day, hour int) time.Time { return time.Date(2026, 3, day, hour, 0, 0, 0, time.UTC) }
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 8 * 3600, RespondWithinS: 3600}
	pos := uint64(0)
	apply := func(e domain.Event) {
		pos++
		m.Apply(projections.Envelope{Position: pos, Event: e})
	}
	apply(domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "finance", Kind: "access", Agreement: terms, At: at(2, 9)})
	apply(domain.HandoffAccepted{HandoffID: "h1", At: at(2, 9).Add(30 * time.Minute)})
	apply(domain.HandoffDelivered{HandoffID: "h1", Delivery: 1, At: at(2, 15)})
	apply(domain.HandoffRated{HandoffID: "h1", Delivery: 1, Score: 4, At: at(2, 16)})
	apply(domain.HandoffRequested{HandoffID: "h2", Supplier: "it", Customer: "finance", Kind: "access", Agreement: terms, At: at(3, 9)})
	apply(domain.HandoffEscalated{HandoffID: "h2", At: at(4, 9)})

	w, err := m.ParseWindow("2026-03-02", "2026-03-05", at(4, 12))
	if err != nil {
		fmt.Println(err)
		return
	}
	f := m.Pair("it", "finance", w)
	fmt.Printf("requested %d, completed %d, open %d\n", f.Requested, f.Completed, f.Open)
	fmt.Printf("lead time p50 %.0fs (within 1%%), mean %.0fs\n", *f.LeadTime.P50, *f.LeadTime.Mean)
	fmt.Printf("sla met %d, open and breached %d, compliance %.2f\n", f.SLA.Met, f.SLA.OpenBreached, *f.SLA.Compliance)
	fmt.Printf("ratings %d, mean hidden: %v\n", f.Satisfaction.Ratings, f.Satisfaction.Mean == nil)
	fmt.Printf("friction %.2f, top driver %s\n", f.Friction.Score, f.Friction.TopDriver)
	// Output:
	// requested 2, completed 1, open 1
	// lead time p50 21813s (within 1%), mean 21600s
	// sla met 1, open and breached 1, compliance 0.50
	// ratings 1, mean hidden: true
	// friction 25.00, top driver breach
}
