package rest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// randomHandoffJSON returns a hand-off answer with every member set or
// left out at random, strings from a set that needs escaping.
func randomHandoffJSON(r *rand.Rand) handoffJSON {
	strs := []string{"", "it", "a laptop <for> the \"new\" hire & co", "tab\there\n", "日本\u2028", "bad\xffutf8", "x"}
	str := func() string { return strs[r.IntN(len(strs))] }
	tm := func() time.Time {
		return time.Date(2020+r.IntN(8), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(3)*r.IntN(1e9), time.UTC)
	}
	optTime := func() *time.Time {
		if r.IntN(2) == 0 {
			return nil
		}
		t := tm()
		return &t
	}
	h := handoffJSON{ID: str(), Supplier: str(), Customer: str(), Kind: str(), Title: str(), Details: str(),
		State: domain.States[r.IntN(len(domain.States))], RequestedAt: tm(), FirstResponseAt: optTime(), LatestDeliveryAt: optTime(),
		Deliveries: r.IntN(5), Returns: r.IntN(3), Escalations: r.IntN(3) - 1,
		SupplierOwnedS: []float64{0, 1.5, 3600.001, 1e-7, 1e22, -2, float64(r.IntN(1e9)) / 1000}[r.IntN(7)],
		DueAt:          optTime(), RespondDueAt: optTime(), ClockRunning: r.IntN(2) == 0, AsOf: tm(), Version: r.Uint64(), Position: uint64(r.IntN(1e6))}
	if r.IntN(2) == 0 {
		h.Agreement = &termsJSON{Version: uint64(r.IntN(9)), Kind: str(), ResolveWithinS: r.Int64N(1e6) - 10, RespondWithinS: r.Int64N(1e6), Calendar: str()}
	}
	if r.IntN(2) == 0 {
		h.Rating = &ratingJSON{Delivery: r.IntN(4), Score: r.IntN(6), Comment: str(), RatedAt: tm()}
	}
	return h
}

func TestHandoffAnswerWrittenAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	for i := range 2000 {
		h := randomHandoffJSON(r)
		want, err := json.Marshal(&h)
		require.NoError(t, err)
		got, ok := h.appendJSON([]byte("prefix"))
		require.True(t, ok, "case %d", i)
		assert.Equal(t, "prefix"+string(want), string(got), "case %d", i)
	}
}

func TestHandoffAnswerLeavesToEncodingJSONWhatItRefuses(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	base := randomHandoffJSON(r)
	for name, spoil := range map[string]func(h *handoffJSON){
		"a timeline":        func(h *handoffJSON) { h.Timeline = []timelineEntryJSON{} },
		"a NaN":             func(h *handoffJSON) { h.SupplierOwnedS = math.NaN() },
		"a year after 9999": func(h *handoffJSON) { h.AsOf = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"a rating's year": func(h *handoffJSON) {
			h.Rating = &ratingJSON{RatedAt: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}
		},
	} {
		h := base
		spoil(&h)
		_, ok := h.appendJSON(nil)
		assert.False(t, ok, name)
	}
}

func BenchmarkHandoffAnswer(b *testing.B) {
	h := randomHandoffJSON(rand.New(rand.NewPCG(14, 3)))
	b.Run("by-hand", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = h.appendJSON(buf[:0])
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(&h)
		}
	})
}
