package api_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/memory"
)

var (
	now       = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	admin     = api.Actor{Name: "ops", Role: api.RoleAdmin}
	salesTeam = api.Actor{Name: "sales-team", Role: api.RoleMember, Department: "sales"}
	salesHead = api.Actor{Name: "sales-head", Role: api.RoleHead, Department: "sales"}
	legalTeam = api.Actor{Name: "legal-team", Role: api.RoleMember, Department: "legal"}
	legalHead = api.Actor{Name: "legal-head", Role: api.RoleHead, Department: "legal"}
	hrTeam    = api.Actor{Name: "hr-team", Role: api.RoleMember, Department: "hr"}
	none      = api.Meta{}
)

type fixture struct {
	store *memory.Store
	svc   *api.Service
	ctx   context.Context
}

func setup(t *testing.T) *fixture {
	t.Helper()
	store := memory.New(memory.Options{})
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, svc: api.New(store, api.Options{Now: func() time.Time { return now }}), ctx: context.Background()}
	for _, id := range []string{"sales", "legal", "hr"} {
		_, err := f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)})
		require.NoError(t, err)
	}
	return f
}

func (f *fixture) head(t *testing.T) uint64 {
	t.Helper()
	h, err := f.store.Head(f.ctx)
	require.NoError(t, err)
	return h
}

func (f *fixture) request(t *testing.T, id string) api.HandoffResult {
	t.Helper()
	r, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: id, Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Review ACME", At: now.Add(-24 * time.Hour)})
	require.NoError(t, err)
	return r
}

func TestLifecycleThroughTheService(t *testing.T) {
	f := setup(t)
	_, err := f.svc.SetAgreement(f.ctx, salesHead, none, domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: 72 * time.Hour})
	assert.ErrorIs(t, err, api.ErrForbidden, "sales head setting legal's agreement")
	ag, err := f.svc.SetAgreement(f.ctx, legalHead, none, domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: 72 * time.Hour, RespondWithin: 4 * time.Hour})
	require.NoError(t, err, "legal head setting its agreement")
	assert.Equal(t, uint64(1), ag.Terms.Version)
	r := f.request(t, "h1")
	assert.True(t, r.Created)
	assert.NotZero(t, r.Position)
	require.NotNil(t, r.Handoff.Agreement, "the 72h agreement is recorded")
	assert.Equal(t, int64(72*3600), r.Handoff.Agreement.ResolveWithinS)
	_, err = f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept})
	assert.ErrorIs(t, err, api.ErrForbidden, "customer accepting")
	_, err = f.svc.Execute(f.ctx, hrTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate})
	assert.ErrorIs(t, err, api.ErrForbidden, "outsider escalating")
	for _, step := range []struct {
		who api.Actor
		cmd domain.HandoffCommand
	}{
		{legalTeam, domain.HandoffCommand{Name: domain.Accept, At: now.Add(-23 * time.Hour)}},
		{legalTeam, domain.HandoffCommand{Name: domain.Deliver, At: now.Add(-2 * time.Hour)}},
		{salesTeam, domain.HandoffCommand{Name: domain.Rate, Score: 2, Comment: "late and vague", At: now.Add(-time.Hour)}},
	} {
		_, err := f.svc.Execute(f.ctx, step.who, none, "h1", step.cmd)
		require.NoError(t, err, "%s by %s", step.cmd.Name, step.who.Name)
	}
	// The supplier reads the hand-off but neither the individual rating nor
	// when it was given.
	v, err := f.svc.Handoff(f.ctx, legalTeam, "h1", time.Time{})
	require.NoError(t, err, "supplier view")
	assert.Equal(t, domain.StateDelivered, v.Handoff.State)
	assert.Nil(t, v.Handoff.Rating, "the supplier sees no rating")
	require.Len(t, v.Timeline, 3)
	for _, e := range v.Timeline {
		assert.NotEqual(t, domain.TypeHandoffRated, e.Type, "the supplier sees when the rating was given")
	}
	assert.Equal(t, v.Timeline[2].Position, v.Position)
	assert.Equal(t, v.Timeline[2].Version, v.Handoff.Version)
	v, err = f.svc.Handoff(f.ctx, salesTeam, "h1", time.Time{})
	require.NoError(t, err, "customer view")
	require.NotNil(t, v.Handoff.Rating)
	assert.Equal(t, "late and vague", v.Handoff.Rating.Comment)
	assert.Equal(t, "sales-team", v.Timeline[3].Actor)
	assert.Equal(t, 22*time.Hour, v.SupplierOwned, "supplier-owned: request to delivery")
	// As of before the delivery.
	v, err = f.svc.Handoff(f.ctx, admin, "h1", now.Add(-12*time.Hour))
	require.NoError(t, err, "as-of view")
	assert.Equal(t, domain.StateAccepted, v.Handoff.State)
	assert.Len(t, v.Timeline, 2)
	assert.Equal(t, 12*time.Hour, v.SupplierOwned)
	_, err = f.svc.Handoff(f.ctx, hrTeam, "h1", time.Time{})
	assert.ErrorIs(t, err, api.ErrForbidden, "outsider reading")
}

// TestCommandsAreAuthorizedByTheTable issues every command of the lifecycle
// table from each side of a fresh hand-off: the sides its row names may,
// the other may not.
func TestCommandsAreAuthorizedByTheTable(t *testing.T) {
	f := setup(t)
	for _, c := range domain.Commands() {
		if c.Name == domain.Request {
			continue
		}
		for _, side := range []struct {
			who  api.Actor
			side domain.Side
		}{{legalTeam, domain.SideSupplier}, {salesTeam, domain.SideCustomer}} {
			id := c.Name + "-by-" + side.who.Department
			f.request(t, id)
			_, err := f.svc.Execute(f.ctx, side.who, none, id, domain.HandoffCommand{Name: c.Name})
			if c.Sides&side.side != 0 {
				assert.NotErrorIs(t, err, api.ErrForbidden, "%s by the %s", c.Name, side.who.Department)
			} else {
				assert.ErrorIs(t, err, api.ErrForbidden, "%s by the %s", c.Name, side.who.Department)
			}
		}
	}
	for _, name := range []string{domain.Request, "teleport"} {
		before := f.head(t)
		_, err := f.svc.Execute(f.ctx, admin, none, "accept-by-legal", domain.HandoffCommand{Name: name})
		assert.ErrorIs(t, err, domain.ErrInvalid, "%s through Execute", name)
		assert.Equal(t, before, f.head(t), "%s appended nothing", name)
	}
}

func TestAgreementInForceIsTheLatestRecorded(t *testing.T) {
	f := setup(t)
	set := func(d time.Duration) {
		if _, err := f.svc.SetAgreement(f.ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: d}); err != nil {
			t.Fatal(err)
		}
	}
	set(72 * time.Hour)
	set(48 * time.Hour)
	// Back-dated well before the change, it still takes the terms in force when recorded.
	r, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: "old", Supplier: "legal", Customer: "sales", Kind: "nda", Title: "Back-filled", At: now.Add(-40 * time.Hour)})
	if err != nil || r.Handoff.Agreement.ResolveWithinS != 48*3600 || r.Handoff.Agreement.Version != 2 {
		t.Fatalf("back-dated request: %+v %v", r.Handoff.Agreement, err)
	}
}

func TestIdempotencyKey(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	key := api.Meta{IdempotencyKey: "esc-1"}
	first, err := f.svc.Execute(f.ctx, salesTeam, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "urgent"})
	require.NoError(t, err)
	before := f.head(t)
	again, err := f.svc.Execute(f.ctx, salesTeam, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "urgent"})
	require.NoError(t, err, "retry")
	assert.True(t, again.Replayed, "the retry is answered from the log")
	assert.Equal(t, first.Position, again.Position)
	assert.Equal(t, 1, again.Handoff.Escalations)
	assert.Equal(t, before, f.head(t), "a retried command appends nothing")
	// The same key for a different request on the same hand-off is a conflict.
	_, err = f.svc.Execute(f.ctx, salesTeam, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "very urgent"})
	assert.ErrorIs(t, err, domain.ErrConflict, "key reused with another body")
	assert.Equal(t, before, f.head(t), "a conflicting retry appends nothing")
	// The same key from another actor is another request.
	r, err := f.svc.Execute(f.ctx, admin, key, "h1", domain.HandoffCommand{Name: domain.Escalate})
	require.NoError(t, err, "same key, other actor")
	assert.False(t, r.Replayed, "same key, other actor")
	assert.Equal(t, 2, r.Handoff.Escalations)
	// Admin tokens share their keys: another admin token retrying an
	// admin's command (an import sent again) is answered from the log.
	before = f.head(t)
	other := api.Actor{Name: "importer", Role: api.RoleAdmin}
	r2, err := f.svc.Execute(f.ctx, other, key, "h1", domain.HandoffCommand{Name: domain.Escalate})
	require.NoError(t, err, "same key, another admin")
	assert.True(t, r2.Replayed, "admins share keys")
	assert.Equal(t, r.Position, r2.Position)
	assert.Equal(t, before, f.head(t), "another admin's retry appends nothing")
	// A member's key stays the member's: another member token with the same
	// key is another request.
	support := api.Actor{Name: "sales-other", Role: api.RoleMember, Department: "sales"}
	r3, err := f.svc.Execute(f.ctx, support, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "urgent"})
	require.NoError(t, err, "same key, another member")
	assert.False(t, r3.Replayed, "members do not share keys")
	assert.Equal(t, 3, r3.Handoff.Escalations)
	// The same key reused for a command on another hand-off is a conflict.
	f.request(t, "h2")
	before = f.head(t)
	_, err = f.svc.Execute(f.ctx, salesTeam, key, "h2", domain.HandoffCommand{Name: domain.Escalate})
	assert.ErrorIs(t, err, domain.ErrConflict, "key reuse")
	assert.Equal(t, before, f.head(t), "a rejected command appends nothing")
	// A keyed request without an ID gets the same hand-off on retry.
	req := domain.RequestHandoff{Supplier: "legal", Customer: "sales", Kind: "nda", Title: "NDA"}
	a, err := f.svc.RequestHandoff(f.ctx, salesTeam, api.Meta{IdempotencyKey: "req-1"}, req)
	require.NoError(t, err)
	b, err := f.svc.RequestHandoff(f.ctx, salesTeam, api.Meta{IdempotencyKey: "req-1"}, req)
	require.NoError(t, err, "keyed request retry")
	assert.True(t, a.Created)
	assert.True(t, b.Replayed)
	assert.Equal(t, a.Handoff.ID, b.Handoff.ID)
}

func TestClientChosenIDReuse(t *testing.T) {
	f := setup(t)
	first := f.request(t, "h1")
	same := f.request(t, "h1")
	if same.Created || same.Position != first.Position {
		t.Fatalf("same request again = %+v, want the existing hand-off", same)
	}
	before := f.head(t)
	_, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: "h1", Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Another title"})
	if !errors.Is(err, domain.ErrConflict) || f.head(t) != before {
		t.Fatalf("different body under a used ID: %v", err)
	}
}

func TestRejectedCommandsAppendNothing(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	_, err := f.svc.RetireDepartment(f.ctx, admin, none, domain.RetireDepartment{ID: "hr"})
	require.NoError(t, err)
	before := f.head(t)
	bad := []struct {
		name string
		run  func() error
		want error
	}{
		{"accept delivered? no: return a requested one", func() error {
			_, err := f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Return, Reason: "x"})
			return err
		}, domain.ErrTransition},
		{"unknown hand-off", func() error {
			_, err := f.svc.Execute(f.ctx, admin, none, "nope", domain.HandoffCommand{Name: domain.Accept})
			return err
		}, domain.ErrNotFound},
		{"future occurred_at", func() error {
			_, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept, At: now.Add(time.Hour)})
			return err
		}, domain.ErrInvalid},
		{"retired customer", func() error {
			_, err := f.svc.RequestHandoff(f.ctx, admin, none, domain.RequestHandoff{ID: "h2", Supplier: "legal", Customer: "hr", Kind: "k", Title: "t"})
			return err
		}, domain.ErrInvalid},
		{"unknown department", func() error {
			_, err := f.svc.RequestHandoff(f.ctx, admin, none, domain.RequestHandoff{ID: "h3", Supplier: "legal", Customer: "mars", Kind: "k", Title: "t"})
			return err
		}, domain.ErrNotFound},
		{"member registering a department", func() error {
			_, err := f.svc.PutDepartment(f.ctx, salesHead, none, domain.RegisterDepartment{ID: "x", Name: "x"})
			return err
		}, api.ErrForbidden},
	}
	for _, tt := range bad {
		assert.ErrorIs(t, tt.run(), tt.want, tt.name)
	}
	assert.Equal(t, before, f.head(t), "rejected commands append nothing")
}

// TestRacingCommandsAreNeverLost runs commands concurrently on one
// hand-off: every escalation is recorded, and of the racing accepts exactly
// one wins while the others fail against the new state.
func TestRacingCommandsAreNeverLost(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	var ok, transition int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, domain.ErrTransition):
			transition++
		default:
			assert.NoError(t, err, "only transition errors")
		}
	}
	v, err := f.svc.Handoff(f.ctx, admin, "h1", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, n, v.Handoff.Escalations, "every escalation is recorded")
	assert.Equal(t, n+1, ok, "successes: every escalation and one accept")
	assert.Equal(t, n-1, transition, "the other accepts fail against the new state")
	assert.Equal(t, domain.StateAccepted, v.Handoff.State)
}

func TestDepartmentsCreatedThenUpdated(t *testing.T) {
	f := setup(t)
	r, err := f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: "it", Name: "IT"})
	if err != nil || !r.Created {
		t.Fatalf("create: %+v %v", r, err)
	}
	r, err = f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: "it", Name: "Information Technology"})
	if err != nil || r.Created || r.Department.Name != "Information Technology" {
		t.Fatalf("update: %+v %v", r, err)
	}
	same, err := f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: "it", Name: "Information Technology"})
	if err != nil || same.Created || same.Position != r.Position {
		t.Fatalf("no-op: %+v %v, want the position of the last event", same, err)
	}
}

// barrierStore holds n appends until all n arrive, so that concurrent
// commands all decide on the same state before any of them writes.
type barrierStore struct {
	*memory.Store
	arrive sync.WaitGroup
}

func (b *barrierStore) Append(ctx context.Context, stream string, exp eventstore.ExpectedVersion, ev ...eventstore.EventData) (eventstore.AppendResult, error) {
	b.arrive.Done()
	b.arrive.Wait()
	return b.Store.Append(ctx, stream, exp, ev...)
}

// TestConcurrentRetriesWithOneKeyAnswerTheSame covers a client that retries
// while its first call is still in flight: both calls decide on the same
// state, one append wins, and the other must replay it, not get a 409.
func TestConcurrentRetriesWithOneKeyAnswerTheSame(t *testing.T) {
	f := setup(t)
	store := &barrierStore{Store: f.store}
	store.arrive.Add(2)
	var mu sync.Mutex
	clock := now
	svc := api.New(store, api.Options{Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond) // the two calls decide at different instants
		return clock
	}})
	results := make([]api.HandoffResult, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := api.Meta{IdempotencyKey: "k1", CorrelationID: fmt.Sprintf("request-%d", i)}
			results[i], errs[i] = svc.RequestHandoff(f.ctx, salesTeam, m, domain.RequestHandoff{
				Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Review ACME"})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if results[0].Handoff.ID != results[1].Handoff.ID || results[0].Position != results[1].Position {
		t.Fatalf("the two calls answered differently: %+v and %+v", results[0], results[1])
	}
}

// TestReadingShowsEventsRecordedSlightlyAhead: occurred_at may be up to
// five minutes ahead of now, and a read without as_of must show them, as
// the command's own answer did.
func TestReadingShowsEventsRecordedSlightlyAhead(t *testing.T) {
	f := setup(t)
	_, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: "soon", Supplier: "legal", Customer: "sales", Kind: "nda", Title: "T", At: now.Add(3 * time.Minute)})
	require.NoError(t, err)
	res, err := f.svc.Execute(f.ctx, legalTeam, none, "soon", domain.HandoffCommand{Name: domain.Accept}) // defaults to the previous event's time
	require.NoError(t, err)
	v, err := f.svc.Handoff(f.ctx, salesTeam, "soon", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, res.Handoff.State, v.Handoff.State, "the read shows what the command answered")
	assert.Equal(t, res.Position, v.Position, "the read shows what the command answered")
}

func TestForbiddenAnswersDoNotNameTheParties(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	_, readErr := f.svc.Handoff(f.ctx, hrTeam, "h1", time.Time{})
	_, cmdErr := f.svc.Execute(f.ctx, hrTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate})
	for _, err := range []error{readErr, cmdErr} {
		require.ErrorIs(t, err, api.ErrForbidden)
		assert.NotContains(t, err.Error(), "legal", "an outsider's error names neither party")
		assert.NotContains(t, err.Error(), "sales", "an outsider's error names neither party")
	}
}

func TestMalformedIDsAreInvalidNotInternalErrors(t *testing.T) {
	f := setup(t)
	long := strings.Repeat("a", 300)
	before := f.head(t)
	if _, err := f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: long, Name: "x"}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("PutDepartment with a 300-byte ID: %v, want ErrInvalid", err)
	}
	if _, err := f.svc.SetAgreement(f.ctx, admin, none, domain.SetAgreement{Supplier: "legal", Customer: long + "\x01", ResolveWithin: time.Hour}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("SetAgreement with a bad customer: %v, want ErrInvalid", err)
	}
	if f.head(t) != before {
		t.Fatal("a rejected command appended events")
	}
}

// TestSupplierCannotTellWhenARatingWasGiven: the supplier's view of a
// delivered hand-off is the same before and after the customer rates it,
// even for a rating recorded a little ahead of now, and the customer's own
// view shows the rating.
func TestSupplierCannotTellWhenARatingWasGiven(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	_, err := f.svc.Execute(f.ctx, legalTeam, none, "h1", domain.HandoffCommand{Name: domain.Deliver, At: now.Add(-2 * time.Hour)})
	require.NoError(t, err)
	before, err := f.svc.Handoff(f.ctx, legalTeam, "h1", time.Time{})
	require.NoError(t, err)
	_, err = f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Rate, Score: 1, At: now.Add(2 * time.Minute)})
	require.NoError(t, err)
	after, err := f.svc.Handoff(f.ctx, legalTeam, "h1", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, before, after)

	own, err := f.svc.Handoff(f.ctx, salesTeam, "h1", time.Time{})
	require.NoError(t, err)
	require.Len(t, own.Timeline, 3)
	assert.Equal(t, domain.TypeHandoffRated, own.Timeline[2].Type)
	require.NotNil(t, own.Handoff.Rating)
	assert.Equal(t, 1, own.Handoff.Rating.Score)
}
