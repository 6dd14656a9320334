package pairstats

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompareServiceOrder(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	f := func(s string, compliance, csat *float64, rework, escalation float64, requested int) Figures {
		return Figures{Supplier: s, Customer: "c", Requested: requested, ReworkRate: rework, EscalationRate: escalation,
			SLA: SLA{Compliance: compliance}, Satisfaction: Satisfaction{CSAT: csat}}
	}
	// Listed best first; each differs from the next by one key.
	want := []Figures{
		f("a", p(1), p(0.9), 0, 0, 5),
		f("b", p(1), p(0.8), 0, 0, 5),     // lower CSAT
		f("c", p(1), nil, 0, 0, 5),        // no CSAT (hidden)
		f("d", p(0.9), p(1), 0, 0, 5),     // lower compliance beats any CSAT
		f("e", p(0.9), p(1), 0.1, 0, 5),   // more rework
		f("f", p(0.9), p(1), 0.1, 0.2, 9), // more escalation, despite volume
		f("g", p(0.9), p(1), 0.1, 0.2, 5), // less volume
		f("h", p(0.9), p(1), 0.1, 0.2, 5), // then by supplier
		f("i", nil, p(1), 0, 0, 50),       // no compliance comes last
	}
	for i := 0; i < len(want); i++ {
		for j := 0; j < len(want); j++ {
			got := compareService(want[i], want[j])
			switch {
			case i < j:
				assert.Negative(t, got, "%s before %s", want[i].Supplier, want[j].Supplier)
			case i > j:
				assert.Positive(t, got, "%s after %s", want[i].Supplier, want[j].Supplier)
			default:
				assert.Zero(t, got)
			}
		}
	}
}
