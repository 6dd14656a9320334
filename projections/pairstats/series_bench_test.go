package pairstats

import (
	"testing"
	"time"
)

// BenchmarkPairSeriesYearOfWeeks queries one pair's weekly series over a
// 365-day window (53 buckets) of the 1,000-pair year.
func BenchmarkPairSeriesYearOfWeeks(b *testing.B) {
	m := big()
	w := Window{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	got, err := m.PairSeries("d7", "d8", w, StepWeek)
	if err != nil || len(got) != 53 || got[10].Requested == 0 {
		b.Fatalf("%d buckets, %v", len(got), err)
	}
	for b.Loop() {
		if _, err := m.PairSeries("d7", "d8", w, StepWeek); err != nil {
			b.Fatal(err)
		}
	}
}
