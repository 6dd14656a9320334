package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func TestDepartmentLifecycle(t *testing.T) {
	var d domain.Department
	fold := func(evs []domain.Event) {
		for _, e := range evs {
			d = domain.EvolveDepartment(d, e)
		}
	}
	evs, err := domain.DecideRegister(d, domain.RegisterDepartment{ID: "legal", Name: "Legal"}, t0)
	require.NoError(t, err, "register")
	require.Len(t, evs, 1)
	assert.Equal(t, domain.TypeDepartmentRegistered, domain.EventType(evs[0]))
	fold(evs)
	evs, _ = domain.DecideRegister(d, domain.RegisterDepartment{ID: "legal", Name: "Legal"}, t0)
	assert.Empty(t, evs, "re-registering with the same name appends nothing")
	evs, _ = domain.DecideRegister(d, domain.RegisterDepartment{ID: "legal", Name: "Legal & Compliance"}, t0)
	require.Len(t, evs, 1, "rename")
	assert.Equal(t, domain.TypeDepartmentRenamed, domain.EventType(evs[0]))
	fold(evs)
	evs, _ = domain.DecideRetire(d, domain.RetireDepartment{ID: "legal"}, t0)
	fold(evs)
	assert.Equal(t, domain.Department{ID: "legal", Name: "Legal & Compliance", Retired: true, Version: 3, LastAt: t0}, d)
	evs, _ = domain.DecideRetire(d, domain.RetireDepartment{ID: "legal"}, t0)
	assert.Empty(t, evs, "retiring twice appends nothing")
	_, err = domain.DecideRetire(domain.Department{}, domain.RetireDepartment{ID: "x"}, t0)
	assert.ErrorIs(t, err, domain.ErrNotFound, "retire unknown")
	for _, bad := range []domain.RegisterDepartment{{ID: "Legal", Name: "x"}, {ID: "", Name: "x"}, {ID: "legal", Name: ""}} {
		_, err := domain.DecideRegister(domain.Department{}, bad, t0)
		assert.ErrorIs(t, err, domain.ErrInvalid, "DecideRegister(%+v)", bad)
	}
}

func TestAgreementMostSpecificWins(t *testing.T) {
	var a domain.Agreements
	set := func(kind string, resolve time.Duration) {
		t.Helper()
		evs, err := domain.DecideSetAgreement(a, dept("legal"), dept("sales"), domain.SetAgreement{
			Supplier: "legal", Customer: "sales", Kind: kind, ResolveWithin: resolve, RespondWithin: time.Hour}, t0)
		if err != nil {
			t.Fatal(err)
		}
		a = domain.EvolveAgreements(a, evs[0])
	}
	if _, ok := a.InForce("contract-review"); ok {
		t.Fatal("no agreement should be in force yet")
	}
	set("", 72*time.Hour)
	set("contract-review", 48*time.Hour)
	set("", 96*time.Hour)
	cr, _ := a.InForce("contract-review")
	other, _ := a.InForce("nda")
	if cr.ResolveWithin() != 48*time.Hour || cr.Version != 2 || cr.Kind != "contract-review" {
		t.Fatalf("contract-review terms = %+v", cr)
	}
	if other.ResolveWithin() != 96*time.Hour || other.Version != 3 || other.RespondWithin() != time.Hour {
		t.Fatalf("general terms = %+v", other)
	}
	bad := []domain.SetAgreement{
		{Supplier: "legal", Customer: "sales", ResolveWithin: 0},
		{Supplier: "legal", Customer: "sales", ResolveWithin: time.Hour, RespondWithin: -time.Second},
		{Supplier: "legal", Customer: "legal", ResolveWithin: time.Hour},
		{Supplier: "legal", Customer: "sales", Kind: "Bad Kind", ResolveWithin: time.Hour},
	}
	for _, cmd := range bad {
		if _, err := domain.DecideSetAgreement(a, dept("legal"), dept("sales"), cmd, t0); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("DecideSetAgreement(%+v) = %v, want ErrInvalid", cmd, err)
		}
	}
	if _, err := domain.DecideSetAgreement(a, domain.Department{}, dept("sales"),
		domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: time.Hour}, t0); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier: %v", err)
	}
}
