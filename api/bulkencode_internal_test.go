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
// its blocks, payloads first and then the rest (complete), to what every
// other command writes: the same IDs, types, payloads and metadata (request
// hashes included), for enough commands to fill several blocks.
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
			job := bulkJob{m: m}
			hashed := m
			switch i % 3 {
			case 1:
				job.hash, job.id, job.cmd = hashLifecycle, id, domain.HandoffCommand{Name: domain.Accept, At: at}
				hashed = m.withLifecycle(id, job.cmd, nil)
			case 2:
				job.hash, job.req = hashRequest, domain.RequestHandoff{ID: id, Supplier: "a", Customer: "b", Kind: "k", Title: "t <" + id + ">", At: at}
				hashed = m.withHandoffRequest(job.req, nil)
			}
			want, err := s.encode(a, hashed, events)
			require.NoError(t, err)
			got, err := l.encodePayloads(events)
			require.NoError(t, err)
			l.complete(got, &job)
			require.Equal(t, want, got, "command %d", i)
			assert.Equal(t, len(got), cap(got), "a command cannot append into the next one's")
			assert.Equal(t, len(got[0].Data), cap(got[0].Data))
		}
		// A time encoding/json refuses is refused alike.
		_, err := l.encodePayloads([]domain.Event{domain.HandoffAccepted{HandoffID: "h", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
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
