package domain_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func dept(id string) domain.Department {
	return domain.EvolveDepartment(domain.Department{}, domain.DepartmentRegistered{DepartmentID: id, Name: id, At: t0.Add(-time.Hour)})
}

func request(id string) domain.RequestHandoff {
	return domain.RequestHandoff{
		ID: id, Supplier: "it", Customer: "finance", Kind: "account-opening", Title: "Open accounts",
		At: t0, SupplierDept: dept("it"), CustomerDept: dept("finance"),
		Agreement: &domain.AgreementTerms{Version: 1, ResolveWithinS: 3600, RespondWithinS: 600},
	}
}

// run decides and folds every command in turn, failing the test on error.
func run(t *testing.T, cmds ...domain.HandoffCommand) domain.Handoff {
	t.Helper()
	var h domain.Handoff
	for i, c := range cmds {
		evs, err := domain.DecideHandoff(h, c, t0.Add(30*24*time.Hour))
		if err != nil {
			t.Fatalf("command %d (%s): %v", i, c.Name(), err)
		}
		for _, e := range evs {
			h = domain.EvolveHandoff(h, e)
		}
	}
	return h
}

// reach returns the commands that bring a hand-off into state s.
func reach(s domain.State) []domain.HandoffCommand {
	req := request("h1")
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	switch s {
	case domain.StateNone:
		return nil
	case domain.StateRequested:
		return []domain.HandoffCommand{req}
	case domain.StateAccepted:
		return []domain.HandoffCommand{req, domain.Accept{At: at(1)}}
	case domain.StatePaused:
		return []domain.HandoffCommand{req, domain.Accept{At: at(1)}, domain.Pause{Reason: "need data", At: at(2)}}
	case domain.StateDelivered:
		return []domain.HandoffCommand{req, domain.Deliver{At: at(3)}}
	case domain.StateReturned:
		return []domain.HandoffCommand{req, domain.Deliver{At: at(3)}, domain.Return{Reason: "wrong", At: at(4)}}
	case domain.StateCancelled:
		return []domain.HandoffCommand{req, domain.Cancel{At: at(5)}}
	}
	panic("unknown state " + s)
}

// TestLifecycleTable checks every command in every state against the
// lifecycle table of the README: allowed where listed, ErrTransition elsewhere.
func TestLifecycleTable(t *testing.T) {
	later := t0.Add(30 * time.Minute)
	type row struct {
		cmd     domain.HandoffCommand
		allowed []domain.State
		result  domain.State // "" when the state does not change
		event   string
	}
	rows := []row{
		{request("h1"), []domain.State{domain.StateNone}, domain.StateRequested, domain.TypeHandoffRequested},
		{domain.Accept{At: later}, []domain.State{domain.StateRequested, domain.StateReturned}, domain.StateAccepted, domain.TypeHandoffAccepted},
		{domain.Pause{Reason: "r", At: later}, []domain.State{domain.StateAccepted}, domain.StatePaused, domain.TypeHandoffPaused},
		{domain.Resume{At: later}, []domain.State{domain.StatePaused}, domain.StateAccepted, domain.TypeHandoffResumed},
		{domain.Deliver{Note: "n", At: later}, []domain.State{domain.StateRequested, domain.StateAccepted, domain.StateReturned}, domain.StateDelivered, domain.TypeHandoffDelivered},
		{domain.Return{Reason: "r", At: later}, []domain.State{domain.StateDelivered}, domain.StateReturned, domain.TypeHandoffReturned},
		{domain.Escalate{Reason: "late", At: later}, []domain.State{domain.StateRequested, domain.StateAccepted, domain.StatePaused, domain.StateReturned}, "", domain.TypeHandoffEscalated},
		{domain.Cancel{Reason: "r", At: later}, []domain.State{domain.StateRequested, domain.StateAccepted, domain.StatePaused, domain.StateReturned}, domain.StateCancelled, domain.TypeHandoffCancelled},
		{domain.Rate{Score: 4, At: later}, []domain.State{domain.StateDelivered}, "", domain.TypeHandoffRated},
	}
	all := append([]domain.State{domain.StateNone}, domain.States...)
	for _, r := range rows {
		for _, from := range all {
			t.Run(r.cmd.Name()+"/from-"+string(from), func(t *testing.T) {
				h := run(t, reach(from)...)
				evs, err := domain.DecideHandoff(h, r.cmd, later)
				if !slices.Contains(r.allowed, from) {
					want := domain.ErrTransition
					if from == domain.StateNone {
						want = domain.ErrNotFound
					} else if r.cmd.Name() == "request" {
						want = domain.ErrConflict
					}
					if !errors.Is(err, want) {
						t.Fatalf("err = %v, want %v", err, want)
					}
					if want == domain.ErrTransition && (!strings.Contains(err.Error(), string(from)) || !strings.Contains(err.Error(), r.cmd.Name())) {
						t.Fatalf("error %q should name the state %q and the command %q", err, from, r.cmd.Name())
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(evs) != 1 || evs[0].EventType() != r.event {
					t.Fatalf("events = %v, want one %s", evs, r.event)
				}
				next := domain.EvolveHandoff(h, evs[0])
				want := r.result
				if want == "" {
					want = h.State
				}
				if next.State != want {
					t.Fatalf("state = %s, want %s", next.State, want)
				}
			})
		}
	}
}

func TestSides(t *testing.T) {
	tests := []struct {
		cmd  domain.HandoffCommand
		want domain.Side
	}{
		{domain.RequestHandoff{}, domain.SideEither},
		{domain.Accept{}, domain.SideSupplier},
		{domain.Pause{}, domain.SideSupplier},
		{domain.Resume{}, domain.SideEither},
		{domain.Deliver{}, domain.SideSupplier},
		{domain.Return{}, domain.SideCustomer},
		{domain.Escalate{}, domain.SideCustomer},
		{domain.Cancel{}, domain.SideCustomer},
		{domain.Rate{}, domain.SideCustomer},
	}
	for _, tt := range tests {
		if got := tt.cmd.Sides(); got != tt.want {
			t.Errorf("%s.Sides() = %b, want %b", tt.cmd.Name(), got, tt.want)
		}
	}
}

func TestValidation(t *testing.T) {
	retired := domain.EvolveDepartment(dept("it"), domain.DepartmentRetired{DepartmentID: "it", At: t0})
	withReq := func(f func(*domain.RequestHandoff)) domain.RequestHandoff {
		r := request("h1")
		f(&r)
		return r
	}
	delivered := run(t, reach(domain.StateDelivered)...)
	accepted := run(t, reach(domain.StateAccepted)...)
	tests := []struct {
		name  string
		h     domain.Handoff
		cmd   domain.HandoffCommand
		field string
		kind  error
	}{
		{"bad id", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.ID = "a b" }), "id", domain.ErrInvalid},
		{"same pair", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Customer = "it" }), "customer", domain.ErrInvalid},
		{"bad kind", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Kind = "Big Kind" }), "kind", domain.ErrInvalid},
		{"empty title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = "" }), "title", domain.ErrInvalid},
		{"long title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = strings.Repeat("é", 201) }), "title", domain.ErrInvalid},
		{"unknown supplier", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.SupplierDept = domain.Department{} }), "", domain.ErrNotFound},
		{"retired supplier", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.SupplierDept = retired }), "supplier", domain.ErrInvalid},
		{"future", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.At = t0.Add(time.Hour) }), "occurred_at", domain.ErrInvalid},
		{"before previous", accepted, domain.Deliver{At: t0.Add(-time.Minute)}, "occurred_at", domain.ErrInvalid},
		{"return needs reason", delivered, domain.Return{}, "reason", domain.ErrInvalid},
		{"score 0", delivered, domain.Rate{Score: 0}, "score", domain.ErrInvalid},
		{"score 6", delivered, domain.Rate{Score: 6}, "score", domain.ErrInvalid},
		{"long comment", delivered, domain.Rate{Score: 3, Comment: strings.Repeat("x", 2001)}, "comment", domain.ErrInvalid},
		{"before 1970", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.At = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC) }), "occurred_at", domain.ErrInvalid},
		{"NUL in title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = "a\x00b" }), "title", domain.ErrInvalid},
		{"escape in comment", delivered, domain.Rate{Score: 3, Comment: "\x1b[31mred"}, "comment", domain.ErrInvalid},
		{"carriage return in reason", delivered, domain.Return{Reason: "a\rb"}, "reason", domain.ErrInvalid},
		{"DEL in note", accepted, domain.Deliver{Note: "a\x7f"}, "note", domain.ErrInvalid},
		{"C1 control in reason", accepted, domain.Pause{Reason: "a\u0085b"}, "reason", domain.ErrInvalid},
		{"invalid UTF-8 in comment", delivered, domain.Rate{Score: 3, Comment: "a\xffb"}, "comment", domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := domain.DecideHandoff(tt.h, tt.cmd, t0.Add(time.Minute))
			require.ErrorIs(t, err, tt.kind)
			if tt.field != "" {
				var ve *domain.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field, "%v", err)
			}
		})
	}
}

func TestFreeTextKeepsTabsAndNewlines(t *testing.T) {
	delivered := run(t, reach(domain.StateDelivered)...)
	evs, err := domain.DecideHandoff(delivered, domain.Rate{Score: 4, Comment: "line one\n\tline two"}, t0.Add(time.Minute))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "line one\n\tline two", evs[0].(domain.HandoffRated).Comment)
}

func TestOccurredAtDefaultsToNow(t *testing.T) {
	var h domain.Handoff
	r := request("h1")
	r.At = time.Time{}
	evs, err := domain.DecideHandoff(h, r, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[0].OccurredAt(); !got.Equal(t0) {
		t.Fatalf("occurred_at = %s, want now %s", got, t0)
	}
	// Slightly-future previous event (within the skew): "now" keeps order.
	h = domain.EvolveHandoff(h, evs[0])
	evs, err = domain.DecideHandoff(h, domain.Accept{}, t0.Add(-2*time.Minute))
	if err != nil || !evs[0].OccurredAt().Equal(t0) {
		t.Fatalf("accept with now before previous event: %v %v", evs, err)
	}
}

func TestRatingTargetsLatestDelivery(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	h := run(t, request("h1"), domain.Deliver{At: at(10)}, domain.Rate{Score: 2, At: at(11)},
		domain.Return{Reason: "incomplete", At: at(12)}, domain.Deliver{At: at(20)},
		domain.Rate{Score: 3, At: at(21)}, domain.Rate{Score: 5, Comment: "great", At: at(22)})
	if h.Deliveries != 2 || h.Rating == nil || h.Rating.Delivery != 2 || h.Rating.Score != 5 || h.Rating.Comment != "great" {
		t.Fatalf("deliveries=%d rating=%+v, want delivery 2 rated 5", h.Deliveries, h.Rating)
	}
	if h.Returns != 1 || h.State != domain.StateDelivered {
		t.Fatalf("returns=%d state=%s", h.Returns, h.State)
	}
}
