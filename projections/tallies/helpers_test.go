package tallies_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/tallies"
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

// do decides a command that must be allowed and records its events.
func (b *history) do(id string, cmd domain.HandoffCommand) {
	b.tb.Helper()
	evs, err := domain.DecideHandoff(b.hs[id], cmd, farFuture)
	require.NoError(b.tb, err, "%s %s", cmd.Name, id)
	b.record(id, evs)
}

func (b *history) record(id string, evs []domain.Event) {
	for _, e := range evs {
		b.hs[id] = domain.EvolveHandoff(b.hs[id], e)
		b.envs = append(b.envs, projections.Envelope{
			Position: uint64(len(b.envs)+1) * 10, StreamID: domain.HandoffStream(id),
			Version: b.hs[id].Version, Event: e})
	}
}

// other adds an event of another aggregate.
func (b *history) other(e domain.Event) {
	b.envs = append(b.envs, projections.Envelope{Position: uint64(len(b.envs)+1) * 10, Event: e})
}

// fold returns a model of opts with every event of b applied.
func (b *history) fold(opts tallies.Options) *tallies.Model {
	m := tallies.New(opts)
	for _, e := range b.envs {
		m.Apply(e)
	}
	return m
}

func terms(version uint64, resolve, respond time.Duration) *domain.AgreementTerms {
	return &domain.AgreementTerms{Version: version, ResolveWithinS: int64(resolve / time.Second),
		RespondWithinS: int64(respond / time.Second)}
}

// scenario: it -> finance, ten hand-offs over ten days of February 2026 in
// Berlin (returned, re-rated, escalated, cancelled, left open), and
// hr -> finance, four delivered and rated.
func scenario(t *testing.T) (*history, *time.Location) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	at := func(day, hour, min int) time.Time { return time.Date(2026, 2, day, hour, min, 0, 0, berlin) }
	jan30 := time.Date(2026, 1, 30, 10, 0, 0, 0, berlin)
	v1 := terms(1, 8*time.Hour, time.Hour)
	v2 := terms(2, 48*time.Hour, 0)
	b := newHistory(t)
	b.other(domain.AgreementSet{Supplier: "it", Customer: "finance", ResolveWithinS: 8 * 3600, RespondWithinS: 3600, At: jan30.Add(-time.Hour)})
	b.request("a0", "it", "finance", jan30, v1)
	b.request("a1", "it", "finance", at(2, 0, 0), v1)
	b.do("a1", domain.HandoffCommand{Name: domain.Accept, At: at(2, 0, 30)})
	b.do("a1", domain.HandoffCommand{Name: domain.Pause, Reason: "which cost centre?", At: at(2, 2, 0)})
	b.do("a1", domain.HandoffCommand{Name: domain.Resume, At: at(2, 10, 0)})
	b.do("a1", domain.HandoffCommand{Name: domain.Deliver, At: at(2, 14, 0)})
	b.do("a1", domain.HandoffCommand{Name: domain.Rate, Score: 4, At: at(2, 15, 0)})
	b.request("a2", "it", "finance", at(3, 9, 0), v1)
	b.do("a1", domain.HandoffCommand{Name: domain.Rate, Score: 2, At: at(3, 9, 0)})
	b.do("a2", domain.HandoffCommand{Name: domain.Deliver, At: at(3, 19, 0)})
	b.do("a2", domain.HandoffCommand{Name: domain.Rate, Score: 1, At: at(3, 20, 0)})
	for _, id := range []string{"b1", "b2", "b3", "b4"} {
		b.request(id, "hr", "finance", at(3, 10, 0), nil)
		b.do(id, domain.HandoffCommand{Name: domain.Deliver, At: at(3, 11, 0)})
	}
	for i, s := range []int{5, 5, 4, 1} {
		b.do([]string{"b1", "b2", "b3", "b4"}[i], domain.HandoffCommand{Name: domain.Rate, Score: s, At: at(3, 12, 0)})
	}
	b.do("a2", domain.HandoffCommand{Name: domain.Return, Reason: "totals wrong", At: at(4, 8, 0)})
	b.other(domain.AgreementSet{Supplier: "it", Customer: "finance", ResolveWithinS: 48 * 3600, At: at(4, 9, 0)})
	b.do("a2", domain.HandoffCommand{Name: domain.Deliver, At: at(4, 12, 0)})
	b.do("a2", domain.HandoffCommand{Name: domain.Rate, Score: 5, At: at(4, 13, 0)})
	b.request("a8", "it", "finance", at(5, 8, 0), v2)
	b.request("a9", "it", "finance", at(5, 8, 0), nil)
	b.request("a3", "it", "finance", at(5, 10, 0), v2)
	b.do("a8", domain.HandoffCommand{Name: domain.Deliver, At: at(5, 12, 0)})
	b.do("a8", domain.HandoffCommand{Name: domain.Rate, Score: 4, At: at(5, 13, 0)})
	b.do("a9", domain.HandoffCommand{Name: domain.Deliver, At: at(5, 18, 0)})
	b.request("a4", "it", "finance", at(6, 8, 0), v2)
	b.do("a4", domain.HandoffCommand{Name: domain.Escalate, At: at(6, 8, 30)})
	b.do("a4", domain.HandoffCommand{Name: domain.Cancel, At: at(6, 9, 0)})
	b.do("a9", domain.HandoffCommand{Name: domain.Rate, Score: 3, At: at(6, 9, 0)})
	b.do("a3", domain.HandoffCommand{Name: domain.Escalate, Reason: "nobody answers", At: at(6, 10, 0)})
	b.do("a3", domain.HandoffCommand{Name: domain.Accept, At: at(6, 11, 0)})
	b.request("a5", "it", "finance", at(7, 12, 0), v2)
	b.request("a6", "it", "finance", at(8, 20, 0), v2)
	b.do("a6", domain.HandoffCommand{Name: domain.Deliver, At: at(9, 0, 0)})
	b.request("a7", "it", "finance", at(9, 0, 0), v2)
	b.do("a0", domain.HandoffCommand{Name: domain.Deliver, At: at(10, 10, 0)})
	return b, berlin
}
