package pairstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/logtest"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestParseWindow(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: tokyo}})
	now := time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC) // 11 Mar 05:00 in Tokyo
	day := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, tokyo) }
	for _, c := range []struct {
		from, to string
		want     pairstats.Window
	}{
		{"", "", pairstats.Window{From: day(2026, 2, 10), To: day(2026, 3, 12)}}, // 30 days ending today (11 Mar)
		{"2026-03-01", "", pairstats.Window{From: day(2026, 3, 1), To: day(2026, 3, 12)}},
		{"", "2026-03-01", pairstats.Window{From: day(2026, 1, 30), To: day(2026, 3, 1)}},
		{"2016-03-01", "2026-03-01", pairstats.Window{From: day(2016, 3, 1), To: day(2026, 3, 1)}}, // 3652 days
	} {
		w, err := m.ParseWindow(c.from, c.to, now)
		if assert.NoError(t, err, "ParseWindow(%q, %q)", c.from, c.to) {
			assert.Equal(t, c.want, w, "ParseWindow(%q, %q)", c.from, c.to)
		}
	}
	for _, c := range []struct{ from, to, field string }{
		{"2026-02-30", "", "from"},
		{"yesterday", "", "from"},
		{"", "2026-3-1", "to"},
		{"2026-03-01", "2026-03-01", "to"},
		{"2026-03-02", "2026-03-01", "to"},
		{"2016-01-01", "2026-03-01", "to"},
	} {
		_, err := m.ParseWindow(c.from, c.to, now)
		assert.ErrorIs(t, err, pairstats.ErrBadWindow, "ParseWindow(%q, %q)", c.from, c.to)
		var we *pairstats.WindowError
		if assert.ErrorAs(t, err, &we, "ParseWindow(%q, %q)", c.from, c.to) {
			assert.Equal(t, c.field, we.Field, "ParseWindow(%q, %q)", c.from, c.to)
		}
	}
}

func TestEmptyWindow(t *testing.T) {
	m := pairstats.New(pairstats.Options{})
	b := logtest.New(t)
	b.Request("h1", "it", "hr", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), nil)
	for _, e := range b.Envs {
		m.Apply(e)
	}
	// To before From: nothing in it, levels as of To.
	w := pairstats.Window{From: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)}
	f := m.Pair("it", "hr", w)
	assert.Equal(t, 0, f.Requested, "backwards window: %s", show(f))
	assert.Equal(t, 1, f.Open, "backwards window: %s", show(f))
}

// TestWindowWhereMidnightIsSkipped: in Santiago the clocks go from
// 2026-09-05 24:00 (-04) to 2026-09-06 01:00 (-03), and in Havana from
// 2026-03-08 00:00 (-05) to 01:00 (-04), so those dates have no 00:00. A
// window from such a date starts at its first instant (01:00 local), not
// at 23:00 the evening before, and a day series cuts there too.
func TestWindowWhereMidnightIsSkipped(t *testing.T) {
	for _, c := range []struct {
		zone, from, to string
		start, end     time.Time // the window's instants, worked out by hand
		before, inside time.Time // the last minute before it, its first minute
	}{
		{"America/Santiago", "2026-09-06", "2026-09-07",
			time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC), time.Date(2026, 9, 7, 3, 0, 0, 0, time.UTC),
			time.Date(2026, 9, 6, 3, 59, 0, 0, time.UTC), time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
		{"America/Havana", "2026-03-08", "2026-03-09",
			time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 8, 4, 59, 0, 0, time.UTC), time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(c.zone)
			require.NoError(t, err)
			m := pairstats.New(pairstats.Options{Policy: domain.Policy{Location: loc}})
			b := logtest.New(t)
			b.Request("h1", "it", "hr", c.before, nil)
			b.Request("h2", "it", "hr", c.inside, nil)
			for _, e := range b.Envs {
				m.Apply(e)
			}
			w, err := m.ParseWindow(c.from, c.to, c.end.Add(time.Hour))
			require.NoError(t, err)
			assert.True(t, c.start.Equal(w.From), "from %s, want %s", w.From.UTC(), c.start)
			assert.True(t, c.end.Equal(w.To), "to %s, want %s", w.To.UTC(), c.end)
			assert.Equal(t, 1, w.Days())
			assert.Equal(t, 1, m.Pair("it", "hr", w).Requested, "only h2 is requested on %s", c.from)

			wide, err := m.ParseWindow("2026-01-01", "2026-12-31", c.end.Add(time.Hour))
			require.NoError(t, err)
			buckets, err := m.Buckets(wide, pairstats.StepDay)
			require.NoError(t, err)
			for _, bw := range buckets {
				if bw.From.Equal(c.start) {
					assert.True(t, c.end.Equal(bw.To), "the day bucket of %s ends %s", c.from, bw.To.UTC())
					return
				}
			}
			t.Fatalf("no day bucket starts at %s", c.start)
		})
	}
}
