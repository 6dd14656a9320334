package metrics

import (
	"bytes"
	"math"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendSeriesAsExpfmt: the lines appendSeries writes are those
// expfmt writes, for label values that need escaping and values that
// expfmt writes specially or in exponent form.
func TestAppendSeriesAsExpfmt(t *testing.T) {
	desc := prometheus.NewDesc("cadena_test_total", "Help.", []string{"supplier", "customer"}, nil)
	hdesc := prometheus.NewDesc("cadena_test_seconds", "Help.", []string{"supplier", "customer"}, nil)
	bare := prometheus.NewDesc("cadena_test_bare", "Help.", nil, nil)
	type series struct {
		name string
		m    prometheus.Metric
	}
	var all []series
	for _, v := range []float64{0, 1, -1, 0.5, 1234567, 2.5e-7, math.NaN(), math.Inf(1), math.Inf(-1)} {
		all = append(all, series{"cadena_test_total", prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, `a"b\c`, "d\ne")},
			series{"cadena_test_bare", prometheus.MustNewConstMetric(bare, prometheus.GaugeValue, v)})
	}
	all = append(all, series{"cadena_test_seconds", prometheus.MustNewConstHistogram(hdesc, 3000000, 1.5e9,
		map[float64]uint64{60: 1, 2592000: 1234567, 7776000: 3000000}, "s", `"`)})
	for _, s := range all {
		m := &dto.Metric{}
		require.NoError(t, s.m.Write(m))
		typ := dto.MetricType_COUNTER
		switch {
		case m.Histogram != nil:
			typ = dto.MetricType_HISTOGRAM
		case m.Gauge != nil:
			typ = dto.MetricType_GAUGE
		}
		mf := &dto.MetricFamily{Name: &s.name, Help: &s.name, Type: typ.Enum(), Metric: []*dto.Metric{m}}
		require.True(t, textWritable(mf))
		var want bytes.Buffer
		_, err := expfmt.MetricFamilyToText(&want, mf)
		require.NoError(t, err)
		got := appendSeries(nil, mf.GetName(), typ, m)
		assert.Equal(t, string(want.Bytes()[headerLen(want.Bytes()):]), string(got))
	}
}
