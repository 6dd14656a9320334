package jsonw

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func marshal(t testing.TB, v any) (string, bool) {
	t.Helper()
	b, err := json.Marshal(v)
	return string(b), err == nil
}

func TestAppendStringAsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<a href='x'>&amp;</a>", "tab\tnew\nline\rcr",
		"\b\f\x00\x01\x1f\x7f", "é ü 日本 🎉", "line\u2028para\u2029", "bad \xff\xfe utf8", "\xe2\x80", "end\xc3"} {
		want, ok := marshal(t, s)
		require.True(t, ok)
		assert.Equal(t, want, string(AppendString([]byte("x"), s))[1:], "%q", s)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a<b>&\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := marshal(t, s)
		assert.Equal(t, want, string(AppendString(nil, s)))
	})
}

func TestAppendTimeAsMarshalJSON(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, tm := range []time.Time{
		{}, time.Date(2026, 12, 1, 15, 4, 5, 0, time.UTC), time.Date(2026, 12, 1, 15, 4, 5, 120_000_000, time.UTC),
		time.Date(2026, 6, 1, 1, 2, 3, 999_999_999, berlin), time.Date(9999, 12, 31, 23, 59, 59, 1, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("far", 24*3600)), time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("near", -23*3600-59*60)),
	} {
		want, ok := marshal(t, tm)
		got, gotOK := AppendTime([]byte("x"), tm)
		assert.Equal(t, ok, gotOK, "%v", tm)
		if ok {
			assert.Equal(t, want, string(got[1:]), "%v", tm)
		} else {
			assert.Equal(t, "x", string(got), "a refused time appends nothing")
		}
	}
}

func TestAppendFloatAsEncodingJSON(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 0.001, 123456.789, 1e-6, 9.99e-7, 1e-9, 1.5e-10, 1e20, 1e21, 1.2345e22,
		-3e-7, math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)} {
		want, ok := marshal(t, f)
		got, gotOK := AppendFloat(nil, f)
		assert.Equal(t, ok, gotOK, "%v", f)
		if ok {
			assert.Equal(t, want, string(got), "%v", f)
		}
	}
}

func FuzzAppendFloat(f *testing.F) {
	f.Add(1.5)
	f.Fuzz(func(t *testing.T, v float64) {
		want, ok := marshal(t, v)
		got, gotOK := AppendFloat(nil, v)
		assert.Equal(t, ok, gotOK)
		if ok {
			assert.Equal(t, want, string(got))
		}
	})
}

func TestAppendBool(t *testing.T) {
	assert.Equal(t, "truefalse", string(AppendBool(AppendBool(nil, true), false)))
}

func BenchmarkAppendString(b *testing.B) {
	buf := make([]byte, 0, 256)
	for _, s := range []string{"import/case-12345-2/3", "Review (case 12345-2) of the group's work", "Grüße <an> \"alle\""} {
		b.Run(s[:6], func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				buf = AppendString(buf[:0], s)
			}
		})
	}
}
