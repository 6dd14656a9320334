package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
)

func TestCatalogFoldsCalendars(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	spec := domain.CalendarSpec{Name: "Madrid", TimeZone: "Europe/Madrid", Week: domain.Week{Mon: []string{"09:00-17:00"}}}
	c := catalog.New()
	c.Apply(projections.Envelope{Position: 1, Version: 1, Event: domain.CalendarSet{CalendarID: "mad", CalendarSpec: spec, At: at}})
	spec.Name = "Madrid office"
	c.Apply(projections.Envelope{Position: 2, Version: 2, Event: domain.CalendarSet{CalendarID: "mad", CalendarSpec: spec, At: at.Add(time.Hour)}})
	c.Apply(projections.Envelope{Position: 3, Version: 1, Event: domain.CalendarSet{CalendarID: "cdmx", CalendarSpec: spec, At: at}})
	c.Apply(projections.Envelope{Position: 4, Version: 1, Event: domain.AgreementSet{Supplier: "legal", Customer: "sales", ResolveWithinS: 60, Calendar: "mad", At: at}})

	cals := c.Calendars()
	require.Len(t, cals, 2)
	assert.Equal(t, "cdmx", cals[0].ID)
	assert.Equal(t, catalog.Calendar{ID: "mad", Spec: spec, Version: 2, UpdatedAt: at.Add(time.Hour)}, cals[1])
	require.Len(t, c.Agreements(), 1)
	assert.Equal(t, "mad", c.Agreements()[0].Calendar)
}
