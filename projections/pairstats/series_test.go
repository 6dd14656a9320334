package pairstats_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestBucketsCutAtStepBoundaries(t *testing.T) {
	m := pairstats.New(pairstats.Options{})
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return d
	}
	cases := []struct {
		name     string
		from, to string
		step     pairstats.Step
		want     []string // from..to of each bucket
	}{
		{"days", "2026-03-30", "2026-04-02", pairstats.StepDay,
			[]string{"2026-03-30..2026-03-31", "2026-03-31..2026-04-01", "2026-04-01..2026-04-02"}},
		{"weeks clipped at both ends", "2026-03-04", "2026-03-19", pairstats.StepWeek, // a Wednesday to a Thursday
			[]string{"2026-03-04..2026-03-09", "2026-03-09..2026-03-16", "2026-03-16..2026-03-19"}},
		{"weeks from a Monday", "2026-03-02", "2026-03-16", pairstats.StepWeek,
			[]string{"2026-03-02..2026-03-09", "2026-03-09..2026-03-16"}},
		{"months clipped", "2026-01-15", "2026-03-10", pairstats.StepMonth,
			[]string{"2026-01-15..2026-02-01", "2026-02-01..2026-03-01", "2026-03-01..2026-03-10"}},
		{"a leap February", "2028-02-01", "2028-03-01", pairstats.StepMonth, []string{"2028-02-01..2028-03-01"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := m.Buckets(pairstats.Window{From: day(tc.from), To: day(tc.to)}, tc.step)
			require.NoError(t, err)
			var got []string
			for _, w := range ws {
				got = append(got, w.From.Format(time.DateOnly)+".."+w.To.Format(time.DateOnly))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSeriesBucketLimit(t *testing.T) {
	m := pairstats.New(pairstats.Options{})
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ws, err := m.Buckets(pairstats.Window{From: from, To: from.AddDate(0, 0, pairstats.MaxSeriesBuckets)}, pairstats.StepDay)
	require.NoError(t, err)
	assert.Len(t, ws, pairstats.MaxSeriesBuckets)
	_, err = m.PairSeries("it", "hr", pairstats.Window{From: from, To: from.AddDate(0, 0, pairstats.MaxSeriesBuckets+1)}, pairstats.StepDay)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "step", ve.Field)
	assert.True(t, errors.Is(err, domain.ErrInvalid))
}

func TestParseStep(t *testing.T) {
	for in, want := range map[string]pairstats.Step{"": pairstats.StepWeek, "day": pairstats.StepDay,
		"week": pairstats.StepWeek, "month": pairstats.StepMonth} {
		got, err := pairstats.ParseStep(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := pairstats.ParseStep("hour")
	var we *pairstats.WindowError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "step", we.Field)
}

// TestSeriesMatchesBruteForce checks that every bucket of a series equals
// the pair query (and the scorecard side) over that bucket's window, and
// the brute-force recomputation from the raw events, in time zones with a
// change to summer time inside the history, after the whole log or a
// prefix of it.
func TestSeriesMatchesBruteForce(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	cases := []struct {
		name string
		opts pairstats.Options
	}{
		{"utc", pairstats.Options{}},
		{"berlin-anonymity-2", pairstats.Options{Policy: domain.Policy{Location: berlin, AnonymityMin: 2}}},
		{"new-york-office-hours", pairstats.Options{Policy: domain.Policy{Location: newYork, AnonymityMin: 3}, Calendar: officeHours{}}},
	}
	seeds := 6
	if testing.Short() {
		seeds = 2
	}
	start := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	for _, tc := range cases {
		for seed := range seeds {
			t.Run(fmt.Sprintf("%s/seed%d", tc.name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(seed), 17))
				envs := randomHistory(t, r, start, 15+r.IntN(40))
				loc := tc.opts.Policy.Location
				if loc == nil {
					loc = time.UTC
				}
				m := pairstats.New(tc.opts)
				// After a prefix of the log, so taken-back and predicted
				// figures are checked midway too.
				cut := len(envs) - r.IntN(len(envs)/3+1)
				envs = envs[:cut]
				for _, e := range envs {
					m.Apply(e)
				}
				for _, step := range []pairstats.Step{pairstats.StepDay, pairstats.StepWeek, pairstats.StepMonth} {
					w := randomWindow(r, loc, start)
					ws, err := m.Buckets(w, step)
					require.NoError(t, err)
					s, c := depts[r.IntN(len(depts))], depts[r.IntN(len(depts))]
					if s == c {
						c = depts[(r.IntN(len(depts)-1)+1+indexOf(s))%len(depts)]
					}
					got, err := m.PairSeries(s, c, w, step)
					require.NoError(t, err)
					require.Len(t, got, len(ws))
					sup, err := m.DepartmentSeries(s, pairstats.SideSupplier, w, step)
					require.NoError(t, err)
					cus, err := m.DepartmentSeries(c, pairstats.SideCustomer, w, step)
					require.NoError(t, err)
					for i, bw := range ws {
						assert.Equal(t, bw.From.Format(time.DateOnly), got[i].From)
						assert.Equal(t, bw.To.Format(time.DateOnly), got[i].To)
						assert.Equal(t, m.Pair(s, c, bw), got[i].Figures, "%s bucket %d of %s>%s equals Pair", step, i, s, c)
						want := brute(envs, tc.opts, bw, func(a, b string) bool { return a == s && b == c }, s, c)
						require.NoError(t, sameFigures(got[i].Figures, want), "%s bucket %s..%s of %s>%s", step, got[i].From, got[i].To, s, c)
						assert.Equal(t, m.Scorecard(s, bw).AsSupplier, sup[i].Figures, "%s bucket %d of %s as supplier", step, i, s)
						assert.Equal(t, m.Scorecard(c, bw).AsCustomer, cus[i].Figures, "%s bucket %d of %s as customer", step, i, c)
					}
				}
			})
		}
	}
}

func indexOf(d string) int {
	for i, x := range depts {
		if x == d {
			return i
		}
	}
	return -1
}
