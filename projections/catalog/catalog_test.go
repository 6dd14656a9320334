package catalog_test

import (
	"testing"
	"time"

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

	depts := c.Departments()
	if len(depts) != 2 || depts[0].ID != "legal" || depts[0].Name != "Legal & Compliance" || depts[1].Name != "Sales" || !depts[1].Retired {
		t.Fatalf("departments = %+v", depts)
	}
	ags := c.Agreements()
	if len(ags) != 2 {
		t.Fatalf("agreements = %+v, want the general one and the nda one", ags)
	}
	if g := ags[0]; g.Kind != "" || g.Version != 3 || g.ResolveWithinS != 48*3600 || g.RespondWithinS != 3600 {
		t.Fatalf("general agreement = %+v, want version 3 with 48h/1h", g)
	}
	if n := ags[1]; n.Kind != "nda" || n.Version != 2 || n.ResolveWithinS != 8*3600 {
		t.Fatalf("nda agreement = %+v", n)
	}
	if _, ok := c.Department("hr"); ok {
		t.Fatal("unknown department found")
	}
}
