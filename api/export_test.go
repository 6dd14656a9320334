package api

import (
	"sync"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Read-model fakes for the tests in package api_test, until the real read
// models are merged.

type FakeCatalog struct{}

func (FakeCatalog) Departments() []catalogDepartment {
	return []catalogDepartment{{ID: "sales", Name: "Sales", RegisteredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
}

func (FakeCatalog) Agreements() []catalogAgreement {
	return []catalogAgreement{{Supplier: "it", Customer: "sales", Version: 1, ResolveWithinS: 3600, SetAt: time.Now()}}
}

// FakeIndex answers one summary and records the filter it was given.
type FakeIndex struct {
	mu        sync.Mutex
	Involving []string
}

func (x *FakeIndex) List(f handoffFilter) ([]handoffSummary, string, error) {
	x.mu.Lock()
	x.Involving = append(x.Involving, f.Involving)
	x.mu.Unlock()
	if f.Cursor == "bad" {
		return nil, "", errBadCursor
	}
	return []handoffSummary{{ID: "h1", Supplier: "it", Customer: "sales", Kind: "laptop", Title: "New laptop",
		State: domain.StateRequested, RequestedAt: time.Now(), UpdatedAt: time.Now(), Position: 7}}, "next", nil
}
