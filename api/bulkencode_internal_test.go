package api

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore/memory"
)

// TestBulkEncodeIsServiceEncode holds what a bulk load encodes, cut from
// its blocks, to what every other command writes: the same IDs, types,
// payloads and metadata, for enough commands to fill several blocks.
func TestBulkEncodeIsServiceEncode(t *testing.T) {
	s := New(memory.New(memory.Options{}), Options{SoleWriter: true})
	for _, a := range []Actor{{Name: "importer", Role: RoleAdmin}, {Name: "ana", Role: RoleHead, Department: "it <&>"}} {
		l, ok := s.BulkLoad(context.Background(), a)
		require.True(t, ok)
		at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
		for i := range 3000 {
			id := "case-" + strconv.Itoa(i)
			m := Meta{IdempotencyKey: "import/" + id + "/1", CorrelationID: "c\u2028" + id}
			events := []domain.Event{
				domain.HandoffAccepted{HandoffID: id, At: at},
				domain.HandoffReturned{HandoffID: id, Reason: "the case came back", At: at.Add(time.Duration(i) * time.Second)},
			}
			if i%7 == 0 {
				m = m.withLifecycle(id, domain.HandoffCommand{Name: domain.Accept, At: at}, &l.enc.hashes)
			}
			want, err := s.encode(a, m, events)
			require.NoError(t, err)
			got, err := l.encode(m, events)
			require.NoError(t, err)
			require.Equal(t, want, got, "command %d", i)
			assert.Equal(t, len(got), cap(got), "a command cannot append into the next one's")
			assert.Equal(t, len(got[0].Data), cap(got[0].Data))
		}
		// A time encoding/json refuses is refused alike.
		_, err := l.encode(Meta{}, []domain.Event{domain.HandoffAccepted{HandoffID: "h", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
		assert.Error(t, err)
		_, err = l.Close()
		require.NoError(t, err)
	}
}

// TestStrBlockKeepsWhatItCut: strings cut before stay as they were while
// later ones fill the block and the next.
func TestStrBlockKeepsWhatItCut(t *testing.T) {
	var sb strBlock
	var cut []string
	for i := range 2 * strBlockSize / 8 {
		p := []byte(strconv.Itoa(1_000_000 + i)) // 7 bytes
		cut = append(cut, sb.cut(p))
		p[0] = 'x' // the string does not share p
	}
	for i, s := range cut {
		assert.Equal(t, strconv.Itoa(1_000_000+i), s)
	}
	var none *strBlock
	assert.Equal(t, "abc", none.cut([]byte("abc")))
}
