package metrics

import (
	"math"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
)

// appendSeries appends the lines of one series of a family named name, of
// type typ, in the text format, as expfmt writes them for a family whose
// name and label names are valid legacy names (see textWritable) and
// whose series have no timestamp: what the business families are. It
// writes the line itself rather than through expfmt's encoder, which
// copies the family to escape it for every call: on 10,000 pairs, most of
// the time of a scrape made from scratch.
func appendSeries(dst []byte, name string, typ dto.MetricType, m *dto.Metric) []byte {
	switch typ {
	case dto.MetricType_COUNTER:
		return appendSample(dst, name, "", m.Label, false, 0, m.GetCounter().GetValue())
	case dto.MetricType_GAUGE:
		return appendSample(dst, name, "", m.Label, false, 0, m.GetGauge().GetValue())
	}
	h := m.GetHistogram()
	infSeen := false
	for _, b := range h.Bucket {
		v := b.GetCumulativeCountFloat()
		if v == 0 {
			v = float64(b.GetCumulativeCount())
		}
		dst = appendSample(dst, name, "_bucket", m.Label, true, b.GetUpperBound(), v)
		infSeen = infSeen || math.IsInf(b.GetUpperBound(), +1)
	}
	count := h.GetSampleCountFloat()
	if count == 0 {
		count = float64(h.GetSampleCount())
	}
	if !infSeen {
		dst = appendSample(dst, name, "_bucket", m.Label, true, math.Inf(+1), count)
	}
	dst = appendSample(dst, name, "_sum", m.Label, false, 0, h.GetSampleSum())
	return appendSample(dst, name, "_count", m.Label, false, 0, count)
}

// textWritable reports whether appendSeries writes the series of a family
// as expfmt would: a counter, gauge or histogram whose name and label
// names need no quoting, and series without timestamps. The label names
// are those of its first series: every series of a business family is
// made from the family's one descriptor.
func textWritable(mf *dto.MetricFamily) bool {
	switch mf.GetType() {
	case dto.MetricType_COUNTER, dto.MetricType_GAUGE, dto.MetricType_HISTOGRAM:
	default:
		return false
	}
	if !model.LegacyValidation.IsValidMetricName(mf.GetName()) {
		return false
	}
	for _, m := range mf.Metric {
		if m.TimestampMs != nil {
			return false
		}
	}
	if len(mf.Metric) > 0 {
		for _, lp := range mf.Metric[0].Label {
			if !model.LegacyValidation.IsValidMetricName(lp.GetName()) {
				return false
			}
		}
	}
	return true
}

var labelEscaper = strings.NewReplacer("\\", `\\`, "\n", `\n`, "\"", `\"`)

// appendSample appends one line: the name with its suffix, the labels
// (and le when bucket), the value.
func appendSample(dst []byte, name, suffix string, labels []*dto.LabelPair, bucket bool, le, v float64) []byte {
	dst = append(dst, name...)
	dst = append(dst, suffix...)
	sep := byte('{')
	for _, lp := range labels {
		dst = append(dst, sep)
		dst = append(dst, lp.GetName()...)
		dst = append(dst, `="`...)
		if val := lp.GetValue(); needsEscape(val) {
			dst = append(dst, labelEscaper.Replace(val)...)
		} else {
			dst = append(dst, val...)
		}
		dst = append(dst, '"')
		sep = ','
	}
	if bucket {
		dst = append(dst, sep)
		dst = append(dst, `le="`...)
		dst = appendFloat(dst, le)
		dst = append(dst, '"')
		sep = ','
	}
	if sep == ',' {
		dst = append(dst, '}')
	}
	dst = append(dst, ' ')
	dst = appendFloat(dst, v)
	return append(dst, '\n')
}

// needsEscape reports whether a label value holds a byte labelEscaper
// replaces (a loop: strings.ContainsAny builds its set at every call).
func needsEscape(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\\' || c == '\n' || c == '"' {
			return true
		}
	}
	return false
}

// appendFloat appends f as expfmt writes a value.
func appendFloat(dst []byte, f float64) []byte {
	switch {
	case f == 1:
		return append(dst, '1')
	case f == 0:
		return append(dst, '0')
	case f == -1:
		return append(dst, "-1"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, +1):
		return append(dst, "+Inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-Inf"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}
