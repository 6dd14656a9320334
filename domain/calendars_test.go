package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func TestCalendarsOf(t *testing.T) {
	var cals domain.Calendars
	withCalendar := func(id string) *domain.Handoff {
		return &domain.Handoff{Agreement: &domain.AgreementTerms{Calendar: id}}
	}
	_, ok := cals.Of(withCalendar("mad"))
	assert.False(t, ok, "nothing recorded yet")

	cals.Record(domain.CalendarSet{CalendarID: "mad", CalendarSpec: office()})
	got, ok := cals.Of(withCalendar("mad"))
	require.True(t, ok, "recorded")
	assert.Equal(t, madrid.String(), got.Location().String())

	_, ok = cals.Of(withCalendar("cdmx"))
	assert.False(t, ok, "another calendar")
	_, ok = cals.Of(&domain.Handoff{})
	assert.False(t, ok, "no agreement")
	_, ok = cals.Of(withCalendar(""))
	assert.False(t, ok, "an agreement on the wall clock")

	cals.Record(domain.CalendarSet{CalendarID: "mad", CalendarSpec: mexicoOffice()})
	got, ok = cals.Of(withCalendar("mad"))
	require.True(t, ok)
	assert.Equal(t, mexico.String(), got.Location().String(), "a new definition replaces the old")

	cals.Record(domain.CalendarSet{CalendarID: "bad", CalendarSpec: domain.CalendarSpec{TimeZone: "Mars/Olympus"}})
	_, ok = cals.Of(withCalendar("bad"))
	assert.False(t, ok, "a definition that does not compile stays unknown")
}
