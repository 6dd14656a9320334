package domain_test

import (
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
)

func Example() {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	it := domain.EvolveDepartment(domain.Department{}, domain.DepartmentRegistered{DepartmentID: "it", Name: "IT", At: now})
	fin := domain.EvolveDepartment(domain.Department{}, domain.DepartmentRegistered{DepartmentID: "finance", Name: "Finance", At: now})

	var h domain.Handoff
	apply := func(cmd domain.HandoffCommand, at time.Time) {
		events, err := domain.DecideHandoff(h, cmd, at)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		for _, e := range events {
			h = domain.EvolveHandoff(h, e)
			fmt.Println(domain.EventType(e))
		}
	}
	opened, err := domain.DecideRequest(h, domain.RequestHandoff{ID: "h-1", Supplier: "it", Customer: "finance",
		Kind: "account-opening", Title: "Open the new ledger accounts", SupplierDept: it, CustomerDept: fin}, now)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	h = domain.EvolveHandoff(h, opened[0])
	fmt.Println(domain.EventType(opened[0]))
	apply(domain.HandoffCommand{Name: domain.Accept}, now.Add(time.Hour))
	apply(domain.HandoffCommand{Name: domain.Pause, Reason: "which cost centre?"}, now.Add(2*time.Hour))
	apply(domain.HandoffCommand{Name: domain.Deliver}, now.Add(3*time.Hour))
	apply(domain.HandoffCommand{Name: domain.Resume}, now.Add(4*time.Hour))
	apply(domain.HandoffCommand{Name: domain.Deliver}, now.Add(5*time.Hour))
	apply(domain.HandoffCommand{Name: domain.Rate, Score: 5}, now.Add(6*time.Hour))
	elapsed, _ := h.ResolveElapsed(domain.WallClock{})
	fmt.Println("state:", h.State)
	fmt.Println("resolve-elapsed (supplier-owned):", elapsed)
	// Output:
	// handoff.requested.v2
	// handoff.accepted.v1
	// handoff.paused.v1
	// error: cannot deliver a hand-off that is paused
	// handoff.resumed.v1
	// handoff.delivered.v1
	// handoff.rated.v1
	// state: delivered
	// resolve-elapsed (supplier-owned): 3h0m0s
}
