package domain

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowDecode is encoding/json's answer, the oracle of the fast path.
func slowDecode(typ string, data []byte) (Event, error) {
	return byName[current(typ)].decode(data)
}

// checkFast asserts that the fast path, when it answers, answers as
// encoding/json does.
func checkFast(t *testing.T, typ string, data []byte) bool {
	t.Helper()
	fast := fastDecoders[typ]
	got, ok := fast(data)
	if !ok {
		return false
	}
	want, err := slowDecode(typ, data)
	if assert.NoError(t, err, "the fast path took what encoding/json refuses: %s", data) {
		assert.True(t, reflect.DeepEqual(want, got), "%s\nencoding/json: %#v\nfast path:     %#v", data, want, got)
	}
	return true
}

var fastStrings = []string{"", "h-1", "dept-007", "Please send the Q3 figures", "café ünïcödé ✓",
	`with "quotes"`, `back\slash`, "<b>&amp;</b>", "tab\there", "nul\x00", "bad \xff utf-8", "line\nbreak"}

func randomEvent(r *rand.Rand) Event {
	str := func() string { return fastStrings[r.IntN(len(fastStrings))] }
	zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -5*3600-1800)}
	at := time.Date(2020+r.IntN(8), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60),
		[]int{0, 1, 123_000_000, 999_999_999}[r.IntN(4)], zones[r.IntN(len(zones))])
	num := func() int { return []int{0, 1, 2, 5, -1, 1 << 40}[r.IntN(6)] }
	switch r.IntN(9) {
	case 0:
		e := HandoffRequested{HandoffID: str(), Supplier: str(), Customer: str(), Kind: str(), Title: str(), At: at}
		if r.IntN(2) == 0 {
			e.Agreement = &AgreementTerms{Version: uint64(r.IntN(5)), Kind: str(), ResolveWithinS: int64(num()),
				RespondWithinS: int64(num()), Calendar: str()}
		}
		return e
	case 1:
		return HandoffAccepted{HandoffID: str(), At: at}
	case 2:
		return HandoffPaused{HandoffID: str(), Reason: str(), At: at}
	case 3:
		return HandoffResumed{HandoffID: str(), At: at}
	case 4:
		return HandoffDelivered{HandoffID: str(), Delivery: num(), Note: str(), At: at}
	case 5:
		return HandoffReturned{HandoffID: str(), Reason: str(), At: at}
	case 6:
		return HandoffEscalated{HandoffID: str(), Reason: str(), At: at}
	case 7:
		return HandoffCancelled{HandoffID: str(), Reason: str(), At: at}
	default:
		return HandoffRated{HandoffID: str(), Delivery: num(), Score: num(), Comment: str(), At: at}
	}
}

// mutate changes data a little: a byte flipped, dropped or repeated, a
// key in other case, a field repeated, white space or a literal inserted.
func mutate(r *rand.Rand, data []byte) []byte {
	b := bytes.Clone(data)
	i := r.IntN(len(b))
	switch r.IntN(7) {
	case 0:
		b[i] ^= byte(1 << r.IntN(8))
	case 1:
		b = append(b[:i], b[i+1:]...)
	case 2:
		b = append(b[:i+1], b[i:]...)
	case 3:
		b = bytes.Replace(b, []byte(`"handoff_id"`), []byte(`"Handoff_ID"`), 1)
	case 4:
		b = append([]byte(`{"handoff_id":"x",`), b[1:]...)
	case 5:
		b = append(b[:i], append([]byte(" \n\t"), b[i:]...)...)
	default:
		lit := []string{"null", "1.5", "1e3", "01", "-", `"\u0041"`, "true", "{}", "[]", "99999999999999999999"}
		b = append(b[:i], append([]byte(lit[r.IntN(len(lit))]), b[i:]...)...)
	}
	return b
}

// TestFastDecodeAgreesWithEncodingJSON decodes random events and random
// mutations of them both ways: the fast path answers exactly as
// encoding/json or declines, and it does answer the JSON Encode writes
// for strings that need no escape.
func TestFastDecodeAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	answered := 0
	for range 20000 {
		e := randomEvent(r)
		typ := EventType(e)
		data, err := Encode(e)
		require.NoError(t, err)
		if checkFast(t, typ, data) {
			answered++
		} else {
			assert.Contains(t, string(data), `\`, "the fast path declined plain JSON: %s", data)
		}
		for range 5 {
			checkFast(t, typ, mutate(r, data))
		}
	}
	assert.Greater(t, answered, 3000)
}

func FuzzFastDecode(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		e := randomEvent(r)
		data, err := Encode(e)
		require.NoError(f, err)
		f.Add(EventType(e), data)
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		if fastDecoders[typ] == nil {
			return
		}
		checkFast(t, typ, data)
	})
}

// BenchmarkDecode decodes hand-off events with plain strings, through
// Decode (the fast path) and through encoding/json.
func BenchmarkDecode(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	type rec struct {
		typ  string
		data []byte
	}
	var recs []rec
	for range 1000 {
		e := randomEvent(r)
		data, _ := json.Marshal(e)
		if _, ok := fastDecoders[EventType(e)](data); ok { // as a real log: plain strings
			recs = append(recs, rec{EventType(e), data})
		}
	}
	for _, path := range []string{"fast", "encoding-json"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				c := recs[i%len(recs)]
				if path == "fast" {
					_, _ = Decode(c.typ, c.data)
				} else {
					_, _ = slowDecode(c.typ, c.data)
				}
			}
		})
	}
}
