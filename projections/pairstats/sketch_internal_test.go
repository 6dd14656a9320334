package pairstats

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuantilesMatchDDSketch checks that quantiles read from merged sparse
// bins are exactly those of a DDSketch fed the same values.
func TestQuantilesMatchDDSketch(t *testing.T) {
	m := New(Options{})
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		sk, err := ddsketch.LogUnboundedDenseDDSketch(RelativeAccuracy)
		require.NoError(t, err)
		var d dense
		d.reset()
		zero := int64(0)
		n := 1 + r.IntN(300)
		for range n {
			var v time.Duration
			if r.IntN(10) > 0 {
				v = time.Duration(r.ExpFloat64() * float64(time.Duration(1+round)*time.Hour))
			}
			require.NoError(t, sk.Add(v.Seconds()))
			if idx := m.sketchIndex(v); idx == zeroBin {
				zero++
			} else {
				d.add([]bin{{idx, 1}}) // one bucket per value: merged as a query would
			}
		}
		qs := []float64{0, 0.5, 0.9, 0.95, 0.99, 1}
		all := make([]float64, len(qs))
		m.quantiles(&d, zero, qs, all)
		want := make([]float64, len(qs))
		one := make([]float64, len(qs))
		for i, q := range qs {
			want[i], err = sk.GetValueAtQuantile(q)
			require.NoError(t, err)
			one[i] = m.quantile(&d, zero, q)
		}
		assert.Equal(t, want, one, "round %d: quantile at %v, against DDSketch", round, qs)
		assert.Equal(t, want, all, "round %d: quantiles at %v, against DDSketch", round, qs)
	}
}
