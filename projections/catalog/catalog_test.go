package catalog_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
)

func TestCatalogFoldsDepartmentsAndAgreements(t *testing.T) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	c := catalog.New()
	pos := uint64(0)
	apply := func(version uint64, e domain.Event) {
		pos++
		c.Apply(projections.Envelope{Position: pos, Version: version, Event: e})
	}
	apply(1, domain.DepartmentRegistered{DepartmentID: "sales", Name: "Sales", At: at})
	apply(1, domain.DepartmentRegistered{DepartmentID: "legal", Name: "Legal", At: at})
	apply(2, domain.DepartmentRenamed{DepartmentID: "legal", Name: "Legal & Compliance", At: at})
	apply(1, domain.AgreementSet{Supplier: "legal", Customer: "sales", ResolveWithinS: 72 * 3600, At: at})
	apply(2, domain.AgreementSet{Supplier: "legal", Customer: "sales", Kind: "nda", ResolveWithinS: 8 * 3600, At: at})
	apply(3, domain.AgreementSet{Supplier: "legal", Customer: "sales", ResolveWithinS: 48 * 3600, RespondWithinS: 3600, At: at})
	apply(2, domain.DepartmentRetired{DepartmentID: "sales", At: at})
	// A redelivered event (same position) changes nothing.
	c.Apply(projections.Envelope{Position: pos, Version: 3, Event: domain.DepartmentRenamed{DepartmentID: "sales", Name: "Oops"}})

	assert.Equal(t, []catalog.Department{
		{ID: "legal", Name: "Legal & Compliance", RegisteredAt: at},
		{ID: "sales", Name: "Sales", Retired: true, RegisteredAt: at},
	}, c.Departments(), "the redelivered rename is skipped")
	assert.Equal(t, []catalog.Agreement{
		{Supplier: "legal", Customer: "sales", Version: 3, ResolveWithinS: 48 * 3600, RespondWithinS: 3600, SetAt: at},
		{Supplier: "legal", Customer: "sales", Kind: "nda", Version: 2, ResolveWithinS: 8 * 3600, SetAt: at},
	}, c.Agreements(), "want the general one (version 3 with 48h/1h) and the nda one")
	_, ok := c.Department("hr")
	assert.False(t, ok, "unknown department found")
}
