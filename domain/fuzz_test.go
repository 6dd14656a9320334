package domain_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

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
				if len(evs) != 0 {
					t.Fatalf("step %d: error %v with events %v", i, err, evs)
				}
				continue
			}
			for _, e := range evs {
				h = domain.EvolveHandoff(h, e)
				log = append(log, e)
			}
			if !slices.Contains(domain.States, h.State) {
				t.Fatalf("step %d: state %q is not a listed state", i, h.State)
			}
			owned := h.SupplierOwned(nil, now)
			if owned < 0 || owned > now.Sub(h.RequestedAt) {
				t.Fatalf("step %d: supplier-owned %s outside [0, %s]", i, owned, now.Sub(h.RequestedAt))
			}
		}
		var replay domain.Handoff
		for _, e := range log {
			data, err := domain.Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := domain.Decode(domain.EventType(e), data)
			if err != nil {
				t.Fatal(err)
			}
			replay = domain.EvolveHandoff(replay, back)
		}
		if !reflect.DeepEqual(replay, h) {
			t.Fatalf("replay differs from live state:\nlive   %+v\nreplay %+v", h, replay)
		}
	})
}
