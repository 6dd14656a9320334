package pairstats

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
)

// TestQuantilesMatchDDSketch checks that quantiles read from merged sparse
// bins are exactly those of a DDSketch fed the same values.
func TestQuantilesMatchDDSketch(t *testing.T) {
	m := New(Options{})
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		sk, err := ddsketch.LogUnboundedDenseDDSketch(RelativeAccuracy)
		if err != nil {
			t.Fatal(err)
		}
		var d dense
		d.reset()
		zero := int64(0)
		n := 1 + r.IntN(300)
		for range n {
			var v time.Duration
			if r.IntN(10) > 0 {
				v = time.Duration(r.ExpFloat64() * float64(time.Duration(1+round)*time.Hour))
			}
			if err := sk.Add(v.Seconds()); err != nil {
				t.Fatal(err)
			}
			if idx := m.sketchIndex(v); idx == zeroBin {
				zero++
			} else {
				d.add([]bin{{idx, 1}}) // one bucket per value: merged as a query would
			}
		}
		qs := []float64{0, 0.5, 0.9, 0.95, 0.99, 1}
		all := make([]float64, len(qs))
		m.quantiles(&d, zero, qs, all)
		for i, q := range qs {
			want, err := sk.GetValueAtQuantile(q)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.quantile(&d, zero, q); got != want {
				t.Fatalf("round %d q %v: got %v, DDSketch says %v", round, q, got, want)
			}
			if all[i] != want {
				t.Fatalf("round %d q %v: quantiles gives %v, DDSketch says %v", round, q, all[i], want)
			}
		}
	}
}
