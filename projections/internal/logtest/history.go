// Package logtest builds logs of hand-off events for the tests of the read
// models under projections: every hand-off event is decided by the domain
// (so the log is one the service could have written), and each becomes an
// Envelope at positions 10, 20, 30… It is test support, imported only by
// _test files; being internal, nothing outside projections can import it.
package logtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// History builds a valid log of hand-off events through domain.DecideHandoff.
type History struct {
	// Envs is the log so far, in order.
	Envs  []projections.Envelope
	tb    testing.TB
	depts map[string]domain.Department
	hs    map[string]domain.Handoff
}

// New returns an empty history whose failures fail tb.
func New(tb testing.TB) *History {
	return &History{tb: tb, depts: map[string]domain.Department{}, hs: map[string]domain.Handoff{}}
}

// FarFuture is the "now" every command is decided at, so any business
// time of the past is allowed.
var FarFuture = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

func (b *History) dept(id string) domain.Department {
	d, ok := b.depts[id]
	if !ok {
		d = domain.EvolveDepartment(domain.Department{}, domain.DepartmentRegistered{DepartmentID: id, Name: id,
			At: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
		b.depts[id] = d
	}
	return d
}

// Request opens a hand-off of kind "work"; terms may be nil.
func (b *History) Request(id, supplier, customer string, at time.Time, terms *domain.AgreementTerms) {
	b.tb.Helper()
	evs, err := domain.DecideRequest(b.hs[id], domain.RequestHandoff{ID: id, Supplier: supplier, Customer: customer,
		Kind: "work", Title: "t", At: at, Agreement: terms, SupplierDept: b.dept(supplier), CustomerDept: b.dept(customer)}, FarFuture)
	require.NoError(b.tb, err, "request %s", id)
	b.record(id, evs)
}

// Try decides cmd on hand-off id and records the events; it reports
// whether the command was allowed.
func (b *History) Try(id string, cmd domain.HandoffCommand) bool {
	evs, err := domain.DecideHandoff(b.hs[id], cmd, FarFuture)
	if err != nil {
		return false
	}
	b.record(id, evs)
	return true
}

// Do is Try for a command that must be allowed.
func (b *History) Do(id string, cmd domain.HandoffCommand) {
	b.tb.Helper()
	evs, err := domain.DecideHandoff(b.hs[id], cmd, FarFuture)
	require.NoError(b.tb, err, "%s %s", cmd.Name, id)
	b.record(id, evs)
}

// Other adds an event of another aggregate (an agreement, a calendar).
func (b *History) Other(e domain.Event) {
	b.Envs = append(b.Envs, projections.Envelope{Position: uint64(len(b.Envs)+1) * 10, Event: e})
}

func (b *History) record(id string, evs []domain.Event) {
	for _, e := range evs {
		b.hs[id] = domain.EvolveHandoff(b.hs[id], e)
		b.Envs = append(b.Envs, projections.Envelope{
			Position: uint64(len(b.Envs)+1) * 10, StreamID: domain.HandoffStream(id),
			Version: b.hs[id].Version, Event: e})
	}
}

// Terms returns agreement terms of version with resolve and respond
// targets (0: none).
func Terms(version uint64, resolve, respond time.Duration) *domain.AgreementTerms {
	return &domain.AgreementTerms{Version: version, ResolveWithinS: int64(resolve / time.Second),
		RespondWithinS: int64(respond / time.Second)}
}
