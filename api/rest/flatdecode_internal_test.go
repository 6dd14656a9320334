package rest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkFlat checks, for both bodies decodeFlat takes, that when it
// decodes data the general decoder accepts data and decodes the same
// values; and that when it does not, it set nothing.
func checkFlat(t *testing.T, data []byte) bool {
	okReq := checkFlatOf(t, data, func(b *handoffRequestBody) []flatMember { m := b.members(); return m[:] })
	okCmd := checkFlatOf(t, data, func(b *commandBody) []flatMember { m := b.members(); return m[:] })
	return okReq || okCmd
}

func checkFlatOf[T any](t *testing.T, data []byte, members func(*T) []flatMember) bool {
	var fast, slow T
	ok := decodeFlat(data, members(&fast))
	if ok {
		require.NoError(t, decodeJSON(data, &slow), "%q", data)
		assert.Equal(t, slow, fast, "%q", data)
	} else {
		var zero T
		assert.Equal(t, zero, fast, "%q", data)
	}
	return ok
}

func TestDecodeFlatDecodesTheCommonBodies(t *testing.T) {
	for _, body := range []string{
		`{"id":"bench-1","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop for the new hire"}`,
		` { "supplier" : "it" ,"customer":"sales","kind":"laptop","title":"x","details":"","occurred_at":"2026-12-01T10:00:00Z" } ` + "\n",
		`{}`,
		`{"note":"on your desk"}`,
		`{"score":4,"comment":"quick"}`,
		`{"score":-0}`,
		`{"reason":"waiting for the vendor","occurred_at":"2026-01-01T00:00:00+01:00"}`,
	} {
		assert.True(t, checkFlat(t, []byte(body)), body)
	}
}

func TestDecodeFlatLeavesTheRestToTheDecoder(t *testing.T) {
	for _, body := range []string{
		``, `null`, `[]`, `{`, `{"title":"a"`, `{"title":"a",}`, `{"title":"a"} x`, `{"title":"a"}{}`,
		`{"title":"a","title":"b"}`, `{"Title":"a"}`, `{"unknown":"a"}`, `{"title":null}`, `{"title":1}`,
		`{"title":"caf\u00e9"}`, `{"title":"café"}`, `{"title":"tab	"}`, `{"score":"4"}`, `{"score":4.5}`,
		`{"score":1e3}`, `{"score":01}`, `{"score":1234567890}`, `{"score":-}`, `{"score":true}`, "\v{}",
	} {
		assert.False(t, checkFlat(t, []byte(body)), body)
	}
}

// FuzzDecodeFlat holds decodeFlat equal to the general decoder on every
// body it decodes.
func FuzzDecodeFlat(f *testing.F) {
	for _, s := range []string{
		`{"id":"bench-1","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop"}`,
		`{"score":4,"comment":"quick"}`, `{"occurred_at":"2026-12-01T10:00:00Z","note":"n"}`, `{}`, `{"title":"a","title":"b"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFlat(t, data) })
}

// BenchmarkDecodeFlat decodes the bodies of the ingest benchmark: a new
// hand-off and a delivery with a note.
func BenchmarkDecodeFlat(b *testing.B) {
	request := []byte(`{"id":"bench-1764633600-42","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop for the new hire"}`)
	deliver := []byte(`{"note":"on your desk"}`)
	b.Run("request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var body handoffRequestBody
			m := body.members()
			if !decodeFlat(request, m[:]) {
				b.Fatal("not decoded")
			}
		}
	})
	b.Run("command", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var body commandBody
			m := body.members()
			if !decodeFlat(deliver, m[:]) {
				b.Fatal("not decoded")
			}
		}
	})
}
