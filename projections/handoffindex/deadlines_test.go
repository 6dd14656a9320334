package handoffindex_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/handoffindex"
)

func TestSummariesShowDeadlines(t *testing.T) {
	day := []string{"09:00-17:00"}
	office := domain.CalendarSpec{Name: "office", TimeZone: "UTC", Week: domain.Week{Mon: day, Tue: day, Wed: day, Thu: day, Fri: day}}
	friday := time.Date(2026, 11, 13, 16, 0, 0, 0, time.UTC)
	terms := &domain.AgreementTerms{Version: 1, ResolveWithinS: 4 * 3600, Calendar: "office"}
	x := handoffindex.New()
	pos := uint64(0)
	apply := func(e domain.Event) {
		pos++
		x.Apply(projections.Envelope{Position: pos, Event: e})
	}
	apply(domain.CalendarSet{CalendarID: "office", CalendarSpec: office, At: friday.Add(-time.Hour)})
	apply(domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "sales", Kind: "k", Title: "t", Agreement: terms, At: friday})
	apply(domain.HandoffRequested{HandoffID: "h2", Supplier: "it", Customer: "sales", Kind: "k", Title: "t", At: friday})

	s, ok := x.Get("h1")
	require.True(t, ok)
	require.NotNil(t, s.DueAt)
	assert.Equal(t, time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC), *s.DueAt, "1h on Friday, 3h on Monday")
	assert.Equal(t, "office", s.Calendar)
	s2, _ := x.Get("h2")
	assert.Nil(t, s2.DueAt, "no agreement, no deadline")

	always := office
	always.Week.Sat, always.Week.Sun = []string{"00:00-24:00"}, []string{"00:00-24:00"}
	apply(domain.CalendarSet{CalendarID: "office", CalendarSpec: always, At: friday.Add(time.Hour)})
	s, _ = x.Get("h1")
	assert.Equal(t, time.Date(2026, 11, 14, 3, 0, 0, 0, time.UTC), *s.DueAt, "the new definition moves the deadline")

	apply(domain.HandoffPaused{HandoffID: "h1", At: friday.Add(2 * time.Hour)})
	s, _ = x.Get("h1")
	assert.Nil(t, s.DueAt, "a paused clock has no deadline")
}
