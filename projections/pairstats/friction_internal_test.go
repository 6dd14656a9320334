package pairstats

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFrictionFromCounts works the friction score out by hand from the
// counts (README, "The figures").
func TestFrictionFromCounts(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	tests := []struct {
		name       string
		f          Figures
		score      float64
		top        string
		compliance *float64
	}{
		// compliance 3/(3+1+0) = 0.75: breach 100*0.35*0.25 = 8.75;
		// rework 1/4: 6.25; escalation 2/8: 3.75. Score 18.75.
		{"breach leads", Figures{Requested: 8, Delivered: 4, Returned: 1, Escalated: 2, SLA: SLA{Met: 3, Breached: 1}},
			18.75, "breach", p(0.75)},
		// rework 1/2: 12.5; dissatisfied 0.5: 12.5; a tie goes to rework,
		// the first in the order breach, rework, dissatisfaction, escalation.
		{"a tie goes to the first", Figures{Requested: 2, Delivered: 2, Returned: 1, Satisfaction: Satisfaction{Dissatisfied: p(0.5)}},
			25, "rework", nil},
		// open_breached counts against compliance: 1/(1+0+1) = 0.5, breach 17.5.
		{"open breached", Figures{Requested: 2, SLA: SLA{Met: 1, OpenBreached: 1}}, 17.5, "breach", p(0.5)},
		// 3 escalations of 2 requests: the rate is at most 1, 15.
		{"escalation capped", Figures{Requested: 2, Escalated: 3}, 15, "escalation", nil},
		// Hidden satisfaction (nil) counts as no dissatisfaction.
		{"nothing", Figures{Requested: 1}, 0, "none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.finish(nil)
			assert.InDelta(t, tt.score, f.Friction.Score, 1e-9)
			assert.Equal(t, tt.top, f.Friction.TopDriver)
			d := f.Friction.Drivers
			assert.InDelta(t, f.Friction.Score, d.Breach+d.Rework+d.Dissatisfaction+d.Escalation, 1e-12)
			if tt.compliance == nil {
				assert.Nil(t, f.SLA.Compliance)
			} else if assert.NotNil(t, f.SLA.Compliance) {
				assert.InDelta(t, *tt.compliance, *f.SLA.Compliance, 1e-12)
			}
		})
	}
}
