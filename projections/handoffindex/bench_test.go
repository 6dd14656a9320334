package handoffindex_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/handoffindex"
)

// benchEvents is a log of n hand-offs requested, accepted and delivered,
// their times in UTC and in a fixed zone by turns.
func benchEvents(n int) []projections.Envelope {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	cet := time.FixedZone("CET", 3600)
	depts := []string{"it", "hr", "finance", "legal", "sales"}
	out := make([]projections.Envelope, 0, 3*n)
	for i := range n {
		t := at.Add(time.Duration(i) * time.Minute)
		if i%2 == 1 {
			t = t.In(cet)
		}
		id := fmt.Sprintf("h%d", i)
		for _, e := range []domain.Event{
			domain.HandoffRequested{HandoffID: id, Supplier: depts[i%5], Customer: depts[(i+1)%5], Kind: "k", Title: "t", At: t},
			domain.HandoffAccepted{HandoffID: id, At: t.Add(time.Hour)},
			domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: t.Add(2 * time.Hour)},
		} {
			out = append(out, projections.Envelope{Position: uint64(len(out) + 1), Event: e})
		}
	}
	return out
}

// BenchmarkIndexApplyAndList folds a log into an index and lists it page
// by page: the numbering of departments, states and zones on the way in,
// and the times given back on the way out.
func BenchmarkIndexApplyAndList(b *testing.B) {
	events := benchEvents(3_000)
	b.ReportAllocs()
	for b.Loop() {
		x := handoffindex.New()
		for _, env := range events {
			x.Apply(env)
		}
		f := handoffindex.Filter{Limit: handoffindex.MaxLimit}
		for {
			page, next, err := x.List(f)
			require.NoError(b, err)
			require.NotEmpty(b, page)
			if next == "" {
				break
			}
			f.Cursor = next
		}
	}
}
