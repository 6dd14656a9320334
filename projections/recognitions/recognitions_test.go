package recognitions_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/recognitions"
)

func TestListsNewestFirstInWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := recognitions.New()
	evs := []domain.Event{
		domain.PairRecognised{From: "sales", To: "it", Message: "one", Author: "a", At: t0},
		domain.HandoffAccepted{HandoffID: "h", At: t0},
		domain.PairRecognised{From: "hr", To: "it", Message: "two", Author: "b", At: t0.Add(2 * time.Hour)},
		domain.PairRecognised{From: "sales", To: "it", Message: "three", Author: "a", At: t0.Add(time.Hour)},
		domain.PairRecognised{From: "it", To: "sales", Message: "four", Author: "c", At: t0.Add(time.Hour)},
		domain.PairRecognised{From: "sales", To: "it", Message: "late", Author: "a", At: t0.Add(48 * time.Hour)},
	}
	for i, e := range evs {
		m.Apply(projections.Envelope{Position: uint64(i + 1), Event: e})
	}
	m.Apply(projections.Envelope{Position: 3, Event: evs[0]}) // a replayed position changes nothing
	msgs := func(rs []recognitions.Recognition) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Message)
		}
		return out
	}
	day := t0.Truncate(24 * time.Hour)
	assert.Equal(t, []string{"three", "one"}, msgs(m.ForPair("it", "sales", day, day.Add(24*time.Hour), 0)))
	assert.Equal(t, []string{"two", "three", "one"}, msgs(m.ForSupplier("it", day, day.Add(24*time.Hour), 0)))
	assert.Equal(t, []string{"late", "two"}, msgs(m.ForSupplier("it", day, day.Add(72*time.Hour), 2)))
	assert.Empty(t, m.ForPair("it", "legal", day, day.Add(72*time.Hour), 0))
	got := m.ForPair("sales", "it", day, day.Add(24*time.Hour), 0)
	require.Len(t, got, 1)
	assert.Equal(t, recognitions.Recognition{From: "it", To: "sales", Message: "four", Author: "c",
		OccurredAt: t0.Add(time.Hour), Position: 5}, got[0])
}
