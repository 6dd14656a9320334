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
