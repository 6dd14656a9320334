package domain_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// FuzzLifecycle applies random command sequences and checks the invariants
// of the fold: no panic, a listed state, replay equals the live state, JSON
// round trips, and supplier-owned time is never negative nor more than the
// time elapsed since the request.
func FuzzLifecycle(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add([]byte{0, 4, 5, 1, 4, 8, 8, 5, 4, 7})
	f.Add([]byte{0, 1, 2, 6, 3, 6, 4, 5, 2, 7})
	f.Add([]byte{3, 3, 0, 0, 1, 1, 2, 2, 9, 200, 250})
	commands := domain.Commands()
	f.Fuzz(func(t *testing.T, program []byte) {
		now := t0
		var h domain.Handoff
		var log []domain.Event
		for i, b := range program {
			now = now.Add(time.Duration(b%61) * time.Minute)
			at := now
			if b&0x80 != 0 {
				at = time.Time{} // default: now
			}
			// Byte b picks a row of the lifecycle table (0 is the request;
			// the last pick rates with an often invalid score and time).
			var cmd any
			switch n := int(b % 10); {
			case n == 0:
				r := request("f1")
				r.At = at
				cmd = r
			case n < len(commands):
				c := domain.HandoffCommand{Name: commands[n].Name, At: at}
				for _, f := range commands[n].Fields {
					switch f {
					case domain.FieldReason:
						c.Reason = "because"
					case domain.FieldScore:
						c.Score = int(b%5) + 1
					}
				}
				cmd = c
			default:
				cmd = domain.HandoffCommand{Name: domain.Rate, Score: int(b % 7), At: at.Add(-time.Hour)} // often invalid
			}
			evs, err := decide(h, cmd, now)
			if err != nil {
				require.Empty(t, evs, "step %d: error %v with events", i, err)
				continue
			}
			for _, e := range evs {
				h = domain.EvolveHandoff(h, e)
				log = append(log, e)
			}
			require.Contains(t, domain.States, h.State, "step %d: a listed state", i)
			owned := h.SupplierOwned(nil, now)
			require.GreaterOrEqual(t, owned, time.Duration(0), "step %d: supplier-owned time", i)
			require.LessOrEqual(t, owned, now.Sub(h.RequestedAt), "step %d: supplier-owned time", i)
		}
		var replay domain.Handoff
		for _, e := range log {
			data, err := domain.Encode(e)
			require.NoError(t, err)
			back, err := domain.Decode(domain.EventType(e), data)
			require.NoError(t, err)
			replay = domain.EvolveHandoff(replay, back)
		}
		require.Equal(t, h, replay, "replay equals the live state")
	})
}

// FuzzDecode feeds stored-event JSON to Decode: it never panics; what it
// decodes has the type asked for, encodes, and decodes again to the same
// JSON; and folding it into an empty state does not panic either (stores
// hand the fold whatever they hold). The pinned JSON of every event type
// (testdata) is the seed corpus.
func FuzzDecode(f *testing.F) {
	eventTypes := domain.EventTypes()
	for i, typ := range eventTypes {
		data, err := os.ReadFile(filepath.Join("testdata", typ+".json"))
		require.NoError(f, err)
		f.Add(uint8(i), data)
	}
	f.Add(uint8(4), []byte(`{"handoff_id":"h","agreement":{"version":-1},"occurred_at":"0001-01-01T00:00:00Z"}`))
	f.Add(uint8(8), []byte(`{"handoff_id":"h","delivery":-3}`))
	f.Add(uint8(12), []byte(`{"score":"x"}`))
	f.Add(uint8(200), []byte(`{}`))
	f.Fuzz(func(t *testing.T, pick uint8, data []byte) {
		typ := "unknown.v1"
		if int(pick) < len(eventTypes) {
			typ = eventTypes[pick]
		}
		e, err := domain.Decode(typ, data)
		if err != nil {
			assert.Nil(t, e)
			return
		}
		require.NotNil(t, e)
		assert.Equal(t, typ, domain.EventType(e))
		enc, err := domain.Encode(e)
		require.NoError(t, err)
		back, err := domain.Decode(typ, enc)
		require.NoError(t, err, "%s does not decode its own encoding %s", typ, enc)
		again, err := domain.Encode(back)
		require.NoError(t, err)
		assert.JSONEq(t, string(enc), string(again))
		if _, ok := domain.HandoffOf(e); ok {
			domain.EvolveHandoff(domain.Handoff{}, e)
		} else {
			domain.EvolveDepartment(domain.Department{}, e)
			domain.EvolveAgreements(domain.Agreements{}, e)
		}
	})
}
