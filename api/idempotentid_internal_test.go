package api

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/eventstore"
)

// TestIdempotentIDIsTheNameBasedUUID holds the event IDs derived from
// idempotency keys to their definition: stored logs carry them, and an
// import run again is recognised by them.
func TestIdempotentIDIsTheNameBasedUUID(t *testing.T) {
	long := string(make([]byte, 300))
	for _, a := range []Actor{{Name: "importer", Role: RoleAdmin}, {Name: "ops-bot", Role: RoleMember}} {
		for _, key := range []string{"", "import/case-1-0/2", long} {
			for _, i := range []int{0, 1, 300} {
				prefix := sha256.Sum256([]byte("cadena-idempotency\x00" + idempotencyScope(a) + "\x00" + key))
				suffix := sha256.Sum256(append(prefix[:], byte(i), byte(i>>8)))
				var b [16]byte
				copy(b[:10], prefix[:10])
				copy(b[10:], suffix[:6])
				b[6] = b[6]&0x0f | 0x80
				b[8] = b[8]&0x3f | 0x80
				assert.Equal(t, eventstore.FormatUUID(b), idempotentID(a, key, i), "%v %q %d", a, key, i)
			}
		}
	}
}
