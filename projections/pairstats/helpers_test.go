package pairstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// history builds a valid log of hand-off events through domain.DecideHandoff.
type history struct {
	tb    testing.TB
	depts map[string]domain.Department
	hs    map[string]domain.Handoff
	envs  []projections.Envelope
}

func newHistory(tb testing.TB) *history {
	return &history{tb: tb, depts: map[string]domain.Department{}, hs: map[string]domain.Handoff{}}
}

func (b *history) dept(id string) domain.Department {
	d, ok := b.depts[id]
	if !ok {
		d = domain.EvolveDepartment(domain.Department{}, domain.DepartmentRegistered{DepartmentID: id, Name: id,
			At: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
		b.depts[id] = d
	}
	return d
}

var farFuture = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// request opens a hand-off; terms may be nil.
func (b *history) request(id, supplier, customer string, at time.Time, terms *domain.AgreementTerms) {
	b.tb.Helper()
	evs, err := domain.DecideRequest(b.hs[id], domain.RequestHandoff{ID: id, Supplier: supplier, Customer: customer,
		Kind: "work", Title: "t", At: at, Agreement: terms, SupplierDept: b.dept(supplier), CustomerDept: b.dept(customer)}, farFuture)
	require.NoError(b.tb, err, "request %s", id)
	b.record(id, evs)
}

// try decides cmd on hand-off id and records the events; it reports whether
// the command was allowed.
func (b *history) try(id string, cmd domain.HandoffCommand) bool {
	evs, err := domain.DecideHandoff(b.hs[id], cmd, farFuture)
	if err != nil {
		return false
	}
	b.record(id, evs)
	return true
}

func (b *history) record(id string, evs []domain.Event) {
	for _, e := range evs {
		b.hs[id] = domain.EvolveHandoff(b.hs[id], e)
		b.envs = append(b.envs, projections.Envelope{
			Position: uint64(len(b.envs)+1) * 10, StreamID: domain.HandoffStream(id),
			Version: b.hs[id].Version, Event: e})
	}
}

// do is try for a command that must be allowed.
func (b *history) do(id string, cmd domain.HandoffCommand) {
	b.tb.Helper()
	evs, err := domain.DecideHandoff(b.hs[id], cmd, farFuture)
	require.NoError(b.tb, err, "%s %s", cmd.Name, id)
	b.record(id, evs)
}

// other adds an event of another aggregate.
func (b *history) other(e domain.Event) {
	b.envs = append(b.envs, projections.Envelope{Position: uint64(len(b.envs)+1) * 10, Event: e})
}

func terms(version uint64, resolve, respond time.Duration) *domain.AgreementTerms {
	return &domain.AgreementTerms{Version: version, ResolveWithinS: int64(resolve / time.Second),
		RespondWithinS: int64(respond / time.Second)}
}
