package api

import (
	"errors"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// The read models' types, mirrored here until projections/catalog and
// projections/handoffindex are merged; then these become aliases of them.

type catalogDepartment struct {
	ID           string
	Name         string
	Retired      bool
	RegisteredAt time.Time
}

type catalogAgreement struct {
	Supplier       string
	Customer       string
	Kind           string
	Version        uint64
	ResolveWithinS int64
	RespondWithinS int64
	SetAt          time.Time
}

type handoffFilter struct {
	Supplier  string
	Customer  string
	State     domain.State
	Involving string
	Limit     int
	Cursor    string
}

type handoffSummary struct {
	ID          string
	Supplier    string
	Customer    string
	Kind        string
	Title       string
	State       domain.State
	Escalations int
	Deliveries  int
	Returns     int
	RequestedAt time.Time
	UpdatedAt   time.Time
	Position    uint64
}

var errBadCursor = errors.New("invalid cursor")

const maxListLimit = 500
