package metrics_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
)

// text is the text exposition of families, as /metrics serves it.
func text(t testing.TB, mfs []*dto.MetricFamily) string {
	t.Helper()
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		require.NoError(t, enc.Encode(mf))
	}
	return b.String()
}

func gather(t testing.TB, g prometheus.Gatherer) string {
	t.Helper()
	mfs, err := g.Gather()
	require.NoError(t, err)
	return text(t, mfs)
}

// reference is the scrape of the collector as it was before its series
// were kept between scrapes.
func (f *feed) reference(t testing.TB, opts metrics.BusinessOptions) string {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(newRefBusiness(f.t, f.m, opts))
	return gather(t, reg)
}

// TestScrapesEqualTheReference: the kept series, served by Gather beside
// a registry or collected by one, are byte for byte those the collector
// made from scratch before, scrape after scrape while events arrive and
// the clock moves (open clocks cross their thresholds, the 30-day window
// moves on), with and without folding into _other.
func TestScrapesEqualTheReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts metrics.BusinessOptions
	}{
		{"all pairs", metrics.BusinessOptions{}},
		{"top 7 pairs", metrics.BusinessOptions{TopPairs: 7}},
		{"anonymity from 1, at risk from 50%", metrics.BusinessOptions{Policy: domain.Policy{AnonymityMin: 1, AtRiskRatio: 0.5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFeed(tc.opts.Policy)
			clock := now.Add(-40 * 24 * time.Hour)
			opts := tc.opts
			opts.Now = func() time.Time { return clock }
			b := f.business(opts)
			reg := prometheus.NewPedanticRegistry()
			reg.MustRegister(b)
			served := metrics.WithBusiness(prometheus.NewRegistry(), b)
			depts := []string{"finance", "hr", "it", "legal", "sales"}
			n := 0
			for step := range 40 {
				// A few events per step, then a scrape an hour or a day on.
				for i := range 3 {
					n++
					id := fmt.Sprintf("h%d", n)
					s, c := depts[(step+i)%5], depts[(step+2*i+1)%5]
					if s == c {
						c = depts[(step+2*i+2)%5]
					}
					at := clock.Add(-time.Duration(1+n%20) * time.Hour)
					f.apply(req(id, s, c, at, terms(int64(4+n%30))))
					switch n % 4 {
					case 0:
						f.apply(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: at.Add(time.Duration(n%7) * time.Hour)},
							domain.HandoffRated{HandoffID: id, Delivery: 1, Score: 1 + n%5, At: at.Add(8 * time.Hour)})
					case 1:
						f.apply(domain.HandoffEscalated{HandoffID: id, At: at.Add(time.Minute)})
					}
				}
				want := f.reference(t, opts)
				require.Equal(t, want, gather(t, served), "served, step %d", step)
				require.Equal(t, want, gather(t, reg), "collected, step %d", step)
				if step%3 == 0 { // a scrape with nothing new
					require.Equal(t, want, gather(t, served), "served again, step %d", step)
				}
				clock = clock.Add(time.Duration(1+step%2*23) * time.Hour)
			}
			assert.Contains(t, gather(t, served), "cadena_pair_friction_score")
		})
	}
}

// TestConcurrentScrapesShareOneAnswer: scrapes racing each other and the
// fold (run with -race) each get a whole, consistent answer.
func TestConcurrentScrapesShareOneAnswer(t *testing.T) {
	f := orgOfPairs(200)
	b := f.business(metrics.BusinessOptions{Now: func() time.Time { return now }})
	served := metrics.WithBusiness(prometheus.NewRegistry(), b)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mfs, err := served.Gather()
			assert.NoError(t, err)
			assert.NotEmpty(t, mfs)
		}()
	}
	wg.Wait()
	assert.Equal(t, f.reference(t, metrics.BusinessOptions{Now: func() time.Time { return now }}), gather(t, served))
}

// TestWithBusinessMergesByName: the registry's families and the business
// families come out in one name order, and a name in both is an error.
func TestWithBusinessMergesByName(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "cadena_a_total", Help: "a"}),
		prometheus.NewCounter(prometheus.CounterOpts{Name: "zzz_total", Help: "z"}))
	b := scenario().business(metrics.BusinessOptions{Now: func() time.Time { return now }})
	mfs, err := metrics.WithBusiness(reg, b).Gather()
	require.NoError(t, err)
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	assert.IsNonDecreasing(t, names)
	assert.Equal(t, "cadena_a_total", names[0])
	assert.Equal(t, "zzz_total", names[len(names)-1])

	clash := prometheus.NewRegistry()
	clash.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "cadena_handoffs_open", Help: "x"}))
	_, err = metrics.WithBusiness(clash, b).Gather()
	assert.ErrorContains(t, err, "cadena_handoffs_open gathered twice")
}
