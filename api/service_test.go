package api_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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
		if _, err := f.svc.PutDepartment(f.ctx, admin, none, domain.RegisterDepartment{ID: id, Name: id, At: now.Add(-48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) head(t *testing.T) uint64 {
	t.Helper()
	h, err := f.store.Head(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) request(t *testing.T, id string) api.HandoffResult {
	t.Helper()
	r, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: id, Supplier: "legal", Customer: "sales", Kind: "contract-review", Title: "Review ACME", At: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLifecycleThroughTheService(t *testing.T) {
	f := setup(t)
	if _, err := f.svc.SetAgreement(f.ctx, salesHead, none, domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: 72 * time.Hour}); !errors.Is(err, api.ErrForbidden) {
		t.Fatalf("sales head setting legal's agreement: %v, want ErrForbidden", err)
	}
	ag, err := f.svc.SetAgreement(f.ctx, legalHead, none, domain.SetAgreement{Supplier: "legal", Customer: "sales", ResolveWithin: 72 * time.Hour, RespondWithin: 4 * time.Hour})
	if err != nil || ag.Terms.Version != 1 {
		t.Fatalf("legal head setting its agreement: %+v %v", ag, err)
	}
	r := f.request(t, "h1")
	if !r.Created || r.Handoff.Agreement == nil || r.Handoff.Agreement.ResolveWithinS != 72*3600 || r.Position == 0 {
		t.Fatalf("request = %+v, want created with the 72h agreement", r)
	}
	if _, err := f.svc.Execute(f.ctx, salesTeam, none, "h1", domain.HandoffCommand{Name: domain.Accept}); !errors.Is(err, api.ErrForbidden) {
		t.Fatalf("customer accepting: %v, want ErrForbidden", err)
	}
	if _, err := f.svc.Execute(f.ctx, hrTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate}); !errors.Is(err, api.ErrForbidden) {
		t.Fatalf("outsider escalating: %v, want ErrForbidden", err)
	}
	for _, step := range []struct {
		who api.Actor
		cmd domain.HandoffCommand
	}{
		{legalTeam, domain.HandoffCommand{Name: domain.Accept, At: now.Add(-23 * time.Hour)}},
		{legalTeam, domain.HandoffCommand{Name: domain.Deliver, At: now.Add(-2 * time.Hour)}},
		{salesTeam, domain.HandoffCommand{Name: domain.Rate, Score: 2, Comment: "late and vague", At: now.Add(-time.Hour)}},
	} {
		if _, err := f.svc.Execute(f.ctx, step.who, none, "h1", step.cmd); err != nil {
			t.Fatalf("%s by %s: %v", step.cmd.Name, step.who.Name, err)
		}
	}
	// The supplier reads the hand-off but not the individual rating.
	v, err := f.svc.Handoff(f.ctx, legalTeam, "h1", time.Time{})
	if err != nil || v.Handoff.State != domain.StateDelivered || v.Handoff.Rating != nil {
		t.Fatalf("supplier view: state=%s rating=%+v err=%v", v.Handoff.State, v.Handoff.Rating, err)
	}
	last := v.Timeline[len(v.Timeline)-1].Event.(domain.HandoffRated)
	if last.Score != 0 || last.Comment != "" {
		t.Fatalf("supplier sees the rating in the timeline: %+v", last)
	}
	v, _ = f.svc.Handoff(f.ctx, salesTeam, "h1", time.Time{})
	if v.Handoff.Rating == nil || v.Handoff.Rating.Comment != "late and vague" || v.Timeline[3].Actor != "sales-team" {
		t.Fatalf("customer view: rating=%+v timeline=%+v", v.Handoff.Rating, v.Timeline)
	}
	if v.SupplierOwned != 22*time.Hour {
		t.Fatalf("supplier-owned = %s, want 22h (request to delivery)", v.SupplierOwned)
	}
	// As of before the delivery.
	v, _ = f.svc.Handoff(f.ctx, admin, "h1", now.Add(-12*time.Hour))
	if v.Handoff.State != domain.StateAccepted || len(v.Timeline) != 2 || v.SupplierOwned != 12*time.Hour {
		t.Fatalf("as-of view: state=%s events=%d owned=%s", v.Handoff.State, len(v.Timeline), v.SupplierOwned)
	}
	if _, err := f.svc.Handoff(f.ctx, hrTeam, "h1", time.Time{}); !errors.Is(err, api.ErrForbidden) {
		t.Fatalf("outsider reading: %v", err)
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
	if err != nil {
		t.Fatal(err)
	}
	before := f.head(t)
	again, err := f.svc.Execute(f.ctx, salesTeam, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "urgent"})
	if err != nil || !again.Replayed || again.Position != first.Position || again.Handoff.Escalations != 1 {
		t.Fatalf("retry = %+v %v, want the first answer", again, err)
	}
	if f.head(t) != before {
		t.Fatal("a retried command appended events")
	}
	// The same key for a different request on the same hand-off is a conflict.
	if _, err := f.svc.Execute(f.ctx, salesTeam, key, "h1", domain.HandoffCommand{Name: domain.Escalate, Reason: "very urgent"}); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("key reused with another body: %v, want ErrConflict", err)
	}
	if f.head(t) != before {
		t.Fatal("a conflicting retry appended events")
	}
	// The same key from another actor is another request.
	if r, err := f.svc.Execute(f.ctx, admin, key, "h1", domain.HandoffCommand{Name: domain.Escalate}); err != nil || r.Replayed || r.Handoff.Escalations != 2 {
		t.Fatalf("same key, other actor: %+v %v", r, err)
	}
	// The same key reused for a command on another hand-off is a conflict.
	f.request(t, "h2")
	before = f.head(t)
	if _, err := f.svc.Execute(f.ctx, salesTeam, key, "h2", domain.HandoffCommand{Name: domain.Escalate}); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("key reuse: %v, want ErrConflict", err)
	}
	if f.head(t) != before {
		t.Fatal("a rejected command appended events")
	}
	// A keyed request without an ID gets the same hand-off on retry.
	req := domain.RequestHandoff{Supplier: "legal", Customer: "sales", Kind: "nda", Title: "NDA"}
	a, err := f.svc.RequestHandoff(f.ctx, salesTeam, api.Meta{IdempotencyKey: "req-1"}, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.RequestHandoff(f.ctx, salesTeam, api.Meta{IdempotencyKey: "req-1"}, req)
	if err != nil || b.Handoff.ID != a.Handoff.ID || !b.Replayed || !a.Created {
		t.Fatalf("keyed request retry: first %+v, second %+v %v", a, b, err)
	}
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
	if _, err := f.svc.RetireDepartment(f.ctx, admin, none, domain.RetireDepartment{ID: "hr"}); err != nil {
		t.Fatal(err)
	}
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
		if err := tt.run(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if f.head(t) != before {
		t.Fatalf("rejected commands appended: head %d -> %d", before, f.head(t))
	}
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
			t.Errorf("unexpected error: %v", err)
		}
	}
	v, err := f.svc.Handoff(f.ctx, admin, "h1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Handoff.Escalations != n || ok != n+1 || transition != n-1 || v.Handoff.State != domain.StateAccepted {
		t.Fatalf("escalations=%d ok=%d transition=%d state=%s; want %d escalations, %d successes, %d transitions",
			v.Handoff.Escalations, ok, transition, v.Handoff.State, n, n+1, n-1)
	}
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
	if _, err := f.svc.RequestHandoff(f.ctx, salesTeam, none, domain.RequestHandoff{
		ID: "soon", Supplier: "legal", Customer: "sales", Kind: "nda", Title: "T", At: now.Add(3 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Execute(f.ctx, legalTeam, none, "soon", domain.HandoffCommand{Name: domain.Accept}) // defaults to the previous event's time
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.Handoff(f.ctx, salesTeam, "soon", time.Time{})
	if err != nil || v.Handoff.State != res.Handoff.State || v.Position != res.Position {
		t.Fatalf("read: state %s position %d err %v; the command answered %s at %d", v.Handoff.State, v.Position, err, res.Handoff.State, res.Position)
	}
}

func TestForbiddenAnswersDoNotNameTheParties(t *testing.T) {
	f := setup(t)
	f.request(t, "h1")
	_, readErr := f.svc.Handoff(f.ctx, hrTeam, "h1", time.Time{})
	_, cmdErr := f.svc.Execute(f.ctx, hrTeam, none, "h1", domain.HandoffCommand{Name: domain.Escalate})
	for _, err := range []error{readErr, cmdErr} {
		if !errors.Is(err, api.ErrForbidden) || strings.Contains(err.Error(), "legal") || strings.Contains(err.Error(), "sales") {
			t.Errorf("outsider got %v: want ErrForbidden naming neither party", err)
		}
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
