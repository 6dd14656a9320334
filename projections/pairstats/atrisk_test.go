package pairstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// The at-risk share comes from the policy, and the figures' at_risk level
// (as of a window's end) follows it.
func TestAtRiskFollowsThePolicy(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	b := logtest.New(t)
	// 40h target; at the next midnight 24h owned = 60% of it.
	b.Request("h1", "it", "hr", day, &domain.AgreementTerms{Version: 1, ResolveWithinS: 40 * 3600})
	w := pairstats.Window{From: day, To: day.Add(24 * time.Hour)}
	for _, tc := range []struct {
		ratio  float64
		atRisk int
	}{{0, 0}, {0.75, 0}, {0.6, 1}, {0.5, 1}, {0.61, 0}} {
		m := pairstats.New(pairstats.Options{Policy: domain.Policy{AtRiskRatio: tc.ratio}})
		for _, e := range b.Envs {
			m.Apply(e)
		}
		assert.Equal(t, tc.atRisk, m.Pair("it", "hr", w).SLA.AtRisk, "ratio %v: at_risk as of the window's end", tc.ratio)
	}
}
