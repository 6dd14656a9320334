package domain_test

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func TestPolicyAtRisk(t *testing.T) {
	p := domain.DefaultPolicy()
	tests := []struct {
		name          string
		owned, target time.Duration
		want          bool
	}{
		{"below 75%", 74 * time.Hour, 100 * time.Hour, false},
		{"at 75%", 75 * time.Hour, 100 * time.Hour, true},
		{"at the target", 100 * time.Hour, 100 * time.Hour, true},
		{"over the target is breached, not at risk", 100*time.Hour + 1, 100 * time.Hour, false},
		{"75% rounded up to the nanosecond", 3, 3, true},
		{"one nanosecond short of the rounded-up line", 2, 3, false},
		{"no time owned", 0, time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, p.AtRisk(tc.owned, tc.target))
		})
	}
}

// AtRiskFrom is the exact ceiling of ratio x target, whatever the ratio
// and however long the target.
func TestPolicyAtRiskFromIsExact(t *testing.T) {
	exact := func(ratio float64, target time.Duration) time.Duration {
		r := new(big.Rat).Mul(new(big.Rat).SetFloat64(ratio), new(big.Rat).SetInt64(int64(target)))
		q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
		if m.Sign() != 0 {
			q.Add(q, big.NewInt(1))
		}
		return time.Duration(q.Int64())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ratios := []float64{0.75, 0.5, 0.9, 1.0 / 3, 0.999999, 1e-30, 1}
	for range 50 {
		ratios = append(ratios, rng.Float64())
	}
	targets := []time.Duration{1, 3, 4, 72 * time.Hour, 30 * 24 * time.Hour, 1<<63 - 1}
	for range 50 {
		targets = append(targets, time.Duration(rng.Int64()))
	}
	for _, r := range ratios {
		if r == 0 {
			continue
		}
		p := domain.Policy{AtRiskRatio: r}
		for _, target := range targets {
			assert.Equal(t, exact(r, target), p.AtRiskFrom(target), "ratio %v, target %d", r, target)
		}
	}
	// The default ratio draws the line where (3t+3)/4 always did.
	for _, target := range targets {
		if target < 1<<61 {
			assert.Equal(t, (3*target+3)/4, domain.DefaultPolicy().AtRiskFrom(target), "target %d", target)
		}
	}
}

func TestPolicyShowsSatisfaction(t *testing.T) {
	p := domain.Policy{AnonymityMin: 3}
	assert.False(t, p.ShowsSatisfaction(0))
	assert.False(t, p.ShowsSatisfaction(2))
	assert.True(t, p.ShowsSatisfaction(3))
	assert.False(t, domain.Policy{}.ShowsSatisfaction(4), "the zero policy hides below the default of 5")
	assert.True(t, domain.Policy{}.ShowsSatisfaction(5))
}

func TestPolicyValidate(t *testing.T) {
	require.NoError(t, domain.DefaultPolicy().Validate())
	require.NoError(t, domain.Policy{}.WithDefaults().Validate())
	for _, change := range []func(*domain.Policy){
		func(p *domain.Policy) { p.AnonymityMin = 0 },
		func(p *domain.Policy) { p.AnonymityMin = -1 },
		func(p *domain.Policy) { p.MinVolume = 0 },
		func(p *domain.Policy) { p.AtRiskRatio = 0 },
		func(p *domain.Policy) { p.AtRiskRatio = 1.5 },
		func(p *domain.Policy) { p.AtRiskRatio = -0.1 },
		func(p *domain.Policy) { p.Location = nil },
	} {
		p := domain.DefaultPolicy()
		change(&p)
		assert.ErrorIs(t, p.Validate(), domain.ErrPolicy, "%+v", p)
	}
}

func TestPolicyWithDefaults(t *testing.T) {
	assert.Equal(t, domain.DefaultPolicy(), domain.Policy{}.WithDefaults())
	assert.Equal(t, domain.Policy{AnonymityMin: 5, MinVolume: 5, AtRiskRatio: 0.75, Location: time.UTC}, domain.DefaultPolicy())
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	set := domain.Policy{AnonymityMin: 2, MinVolume: 7, AtRiskRatio: 0.5, Location: berlin}
	assert.Equal(t, set, set.WithDefaults())
}
