package metrics_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// historyLog is the scenario's events in log order: legal -> sales first,
// then it -> hr imported afterwards with earlier business times, so the log
// order is not the time order.
func historyLog() []projections.Envelope {
	day := now.Add(-48 * time.Hour)
	events := []domain.Event{
		req("l2", "legal", "sales", now.Add(-9*time.Hour), terms(10)),
		req("l3", "legal", "sales", now.Add(-12*time.Hour), terms(10)),
		domain.HandoffEscalated{HandoffID: "l3", At: now.Add(-time.Hour)},
		req("l1", "legal", "sales", day, terms(10)),
		domain.HandoffDelivered{HandoffID: "l1", Delivery: 1, At: day.Add(2 * time.Hour)},
		domain.HandoffRated{HandoffID: "l1", Delivery: 1, Score: 5, At: day.Add(3 * time.Hour)},
	}
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("i%d", i)
		lead := time.Duration(i) * 5 * time.Hour
		events = append(events, req(id, "it", "hr", day, nil),
			domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: day.Add(lead)},
			domain.HandoffRated{HandoffID: id, Delivery: 1, Score: i, At: day.Add(lead + time.Minute)})
	}
	envs := make([]projections.Envelope, len(events))
	for i, e := range events {
		envs[i] = projections.Envelope{Position: uint64(i + 1), Event: e}
	}
	return envs
}

// freshState is the two read models of the business collector, empty.
func freshState(p domain.Policy) metrics.HistoryState {
	f := newFeed(p)
	return metrics.HistoryState{Tallies: f.t, Figures: f.m, Handlers: []projections.Handler{f.t, f.m}}
}

// sample is one parsed OpenMetrics sample.
type sample struct {
	series string // name{labels}, labels sorted
	value  float64
	ms     int64
}

var (
	omSample = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+) (\S+)$`)
	omLabel  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="([^"\\]*)"`)
)

// parseOpenMetrics checks the OpenMetrics structure the TSDB back-fill
// relies on (a TYPE per family, each family's lines together, every sample
// of the family's names and timestamped, "# EOF" last) and returns the
// samples and each family's type.
func parseOpenMetrics(t *testing.T, text []byte) ([]sample, map[string]string) {
	t.Helper()
	types := map[string]string{}
	var samples []sample
	family := ""
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(nil, 1<<20)
	eof := false
	for sc.Scan() {
		line := sc.Text()
		require.False(t, eof, "a line after # EOF: %q", line)
		switch {
		case line == "# EOF":
			eof = true
		case strings.HasPrefix(line, "# HELP "), strings.HasPrefix(line, "# TYPE "):
			f := strings.Fields(line)
			require.GreaterOrEqual(t, len(f), 4, line)
			if f[2] != family {
				_, seen := types[f[2]]
				require.False(t, seen, "family %s comes twice", f[2])
				family = f[2]
			}
			if f[1] == "TYPE" {
				types[family] = f[3]
			}
		case strings.HasPrefix(line, "#"):
			t.Fatalf("unexpected comment %q", line)
		default:
			m := omSample.FindStringSubmatch(line)
			require.NotNil(t, m, "not a timestamped sample: %q", line)
			name := m[1]
			suffixes := map[string][]string{"counter": {"_total"}, "gauge": {""}, "histogram": {"_bucket", "_sum", "_count"}}[types[family]]
			require.NotEmpty(t, suffixes, "sample %q before its family's TYPE", line)
			require.True(t, slices.ContainsFunc(suffixes, func(s string) bool { return name == family+s }), "sample %q outside its family %s", line, family)
			v, err := strconv.ParseFloat(m[3], 64)
			require.NoError(t, err, line)
			ts, err := strconv.ParseFloat(m[4], 64)
			require.NoError(t, err, line)
			var labels []string
			for _, l := range omLabel.FindAllStringSubmatch(m[2], -1) {
				labels = append(labels, l[1]+"="+normLabel(l[1], l[2]))
			}
			slices.Sort(labels)
			samples = append(samples, sample{name + "{" + strings.Join(labels, ",") + "}", v, int64(math.Round(ts * 1000))})
		}
	}
	require.NoError(t, sc.Err())
	require.True(t, eof, "no # EOF at the end")
	return samples, types
}

func normLabel(name, v string) string {
	if name == "le" {
		f, err := strconv.ParseFloat(v, 64)
		if err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return v
}

// collected flattens what a collector exports into series -> value, in
// the form parseOpenMetrics returns.
func collected(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))
	fams, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	key := func(name string, m *dto.Metric, extra ...string) string {
		labels := slices.Clone(extra)
		for _, l := range m.GetLabel() {
			labels = append(labels, l.GetName()+"="+l.GetValue())
		}
		slices.Sort(labels)
		return name + "{" + strings.Join(labels, ",") + "}"
	}
	for _, mf := range fams {
		for _, m := range mf.GetMetric() {
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				out[key(mf.GetName(), m)] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key(mf.GetName(), m)] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				for _, b := range h.GetBucket() {
					out[key(mf.GetName()+"_bucket", m, "le="+strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64))] = float64(b.GetCumulativeCount())
				}
				out[key(mf.GetName()+"_bucket", m, "le=+Inf")] = float64(h.GetSampleCount())
				out[key(mf.GetName()+"_sum", m)] = h.GetSampleSum()
				out[key(mf.GetName()+"_count", m)] = float64(h.GetSampleCount())
			}
		}
	}
	return out
}

func TestWriteHistory(t *testing.T) {
	from, to := now.Add(-72*time.Hour), now
	for _, tc := range []struct {
		name     string
		topPairs int
		policy   domain.Policy
	}{
		{"all pairs, anonymity minimum 5", 0, domain.Policy{AnonymityMin: 5}},
		{"top pair only, anonymity minimum 1", 1, domain.Policy{AnonymityMin: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, metrics.WriteHistory(&out, historyLog(), freshState(tc.policy), metrics.HistoryOptions{
				From: from, To: to, Step: time.Hour, TopPairs: tc.topPairs, Policy: tc.policy}))
			samples, types := parseOpenMetrics(t, out.Bytes())
			require.NotEmpty(t, samples)

			// Each series in time order, counters never going down.
			last := map[string]sample{}
			bySeries := map[string][]sample{}
			for _, s := range samples {
				if prev, ok := last[s.series]; ok {
					assert.Greater(t, s.ms, prev.ms, "%s: timestamps out of order", s.series)
					if family, _, _ := strings.Cut(s.series, "{"); types[strings.TrimSuffix(family, "_total")] == "counter" ||
						types[strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(family, "_bucket"), "_count"), "_sum")] == "histogram" {
						assert.GreaterOrEqual(t, s.value, prev.value, "%s went down at %d", s.series, s.ms)
					}
				}
				last[s.series] = s
				bySeries[s.series] = append(bySeries[s.series], s)
			}

			// Every step holds what /metrics would have said then: the
			// collector on a model of the events up to that instant.
			steps := 0
			for at := from; !at.After(to); at = at.Add(time.Hour) {
				steps++
				f := newFeed(tc.policy)
				for _, env := range historyLog() {
					if !domain.OccurredAt(env.Event).After(at) {
						f.apply(env.Event)
					}
				}
				want := collected(t, f.business(metrics.BusinessOptions{TopPairs: tc.topPairs, Policy: tc.policy,
					Now: func() time.Time { return at }}))
				got := map[string]float64{}
				for _, s := range samples {
					if s.ms == at.UnixMilli() {
						got[s.series] = s.value
					}
				}
				require.Equal(t, want, got, "at %s", at)
			}
			requested := bySeries["cadena_handoffs_requested_total{customer=sales,supplier=legal}"]
			if tc.topPairs == 0 {
				require.Len(t, requested, steps-24, "legal -> sales from its first request on")
				// l1 at now-48h, l3 at now-12h, l2 at now-9h.
				assert.Equal(t, []float64{1, 2, 3}, []float64{requested[0].value, requested[len(requested)-11].value, requested[len(requested)-1].value})
				ratings := bySeries["cadena_handoff_ratings_total{customer=hr,score=1,supplier=it}"]
				require.NotEmpty(t, ratings)
				assert.Equal(t, now.Add(-48*time.Hour+26*time.Hour).UnixMilli(), ratings[0].ms,
					"it -> hr ratings from the step after the fifth rating (anonymity minimum 5)")
			}
		})
	}
}

func TestWriteHistoryRejectsABadRange(t *testing.T) {
	state := freshState(domain.Policy{})
	for _, opts := range []metrics.HistoryOptions{
		{From: now, To: now, Step: 0},
		{From: now, To: now.Add(-time.Hour), Step: time.Hour},
	} {
		var out bytes.Buffer
		assert.ErrorIs(t, metrics.WriteHistory(&out, historyLog(), state, opts), metrics.ErrBadHistoryRange)
		assert.Zero(t, out.Len())
	}
}

func TestWriteHistoryAddsLabels(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, metrics.WriteHistory(&out, historyLog(), freshState(domain.Policy{}), metrics.HistoryOptions{
		From: now.Add(-2 * time.Hour), To: now, Step: time.Hour, Labels: map[string]string{"job": "cadena", "instance": "cadena:8080"}}))
	samples, _ := parseOpenMetrics(t, out.Bytes())
	require.NotEmpty(t, samples)
	for _, s := range samples {
		assert.Contains(t, s.series, "instance=cadena:8080")
		assert.Contains(t, s.series, "job=cadena")
	}
}
