package projections

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// TestCodecRoundTrip checks that what an Encoder writes a Decoder reads
// back as it was: numbers at their limits, strings and symbols, times in
// every kind of zone, hand-off states with and without their optional
// parts.
func TestCodecRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 30, 1, 59, 59, 999_999_999, time.UTC)
	times := []time.Time{{}, at, at.In(time.FixedZone("", 2*3600)), at.In(time.FixedZone("CEST", 2*3600)),
		at.In(time.Local), time.Unix(-1, 5).UTC()}
	h := domain.Handoff{ID: "h-1", Supplier: "it", Customer: "hr", Kind: "access", Title: "café ✓",
		State: domain.StateReturned, Agreement: &domain.AgreementTerms{Version: 2, ResolveWithinS: 3600, Calendar: "office"},
		RequestedAt: at, FirstResponseAt: at.Add(time.Minute), LatestDeliveryAt: at.Add(time.Hour),
		Deliveries: 1, Returns: 1, Escalations: 3, Rating: &domain.Rating{Delivery: 1, Score: 4, Comment: "ok", At: at},
		Owned:   []domain.Interval{{From: at, To: at.Add(time.Hour)}, {From: at.Add(2 * time.Hour)}},
		Version: 7, LastAt: at.Add(2 * time.Hour)}
	hs := []domain.Handoff{h, {ID: "h-2", State: domain.StateRequested, Owned: []domain.Interval{}}, {}}

	var buf bytes.Buffer
	e := newEncoder(&buf)
	for _, v := range []uint64{0, 1, 127, 128, 1<<64 - 1} {
		e.Uint(v)
	}
	for _, v := range []int64{0, -1, 1, -1 << 63, 1<<63 - 1} {
		e.Int(v)
	}
	for _, s := range []string{"", "x", "dept-1", string(make([]byte, 3<<20))} {
		e.String(s)
	}
	for range 3 {
		e.Symbol("dept-1")
		e.Symbol("dept-2")
	}
	for _, tm := range times {
		e.Time(tm)
	}
	for i := range hs {
		e.Handoff(&hs[i])
	}
	require.NoError(t, e.flush())

	d := newDecoder(bytes.NewReader(buf.Bytes()))
	for _, v := range []uint64{0, 1, 127, 128, 1<<64 - 1} {
		assert.Equal(t, v, d.Uint())
	}
	for _, v := range []int64{0, -1, 1, -1 << 63, 1<<63 - 1} {
		assert.Equal(t, v, d.Int())
	}
	for _, s := range []string{"", "x", "dept-1", string(make([]byte, 3<<20))} {
		assert.Equal(t, s, d.String())
	}
	for range 3 {
		assert.Equal(t, "dept-1", d.Symbol())
		assert.Equal(t, "dept-2", d.Symbol())
	}
	for _, tm := range times {
		got := d.Time()
		assert.True(t, tm.Equal(got), "%v != %v", tm, got)
		wn, wo := tm.Zone()
		gn, gof := got.Zone()
		assert.Equal(t, []any{wn, wo, tm.Location().String()}, []any{gn, gof, got.Location().String()})
	}
	for _, want := range hs {
		assert.Equal(t, want, d.Handoff())
	}
	require.NoError(t, d.Err())
	d.Uint()
	assert.Error(t, d.Err(), "reading past the end")
}
