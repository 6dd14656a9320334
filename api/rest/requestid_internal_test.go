package rest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRequestIDIs32HexDigitsAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newRequestID()
		require.Len(t, id, 32)
		_, err := hex.DecodeString(id)
		require.NoError(t, err, "%q is not hex", id)
		assert.False(t, seen[id], "%q generated twice", id)
		seen[id] = true
	}
}

var requestIDSink string

// BenchmarkNewRequestID compares the request ID's generator with
// crypto/rand, which made the IDs before.
func BenchmarkNewRequestID(b *testing.B) {
	b.Run("runtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			requestIDSink = newRequestID()
		}
	})
	b.Run("crypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r [16]byte
			_, _ = rand.Read(r[:])
			requestIDSink = hex.EncodeToString(r[:])
		}
	})
}
