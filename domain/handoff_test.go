package domain_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// farFuture is "now" for the helpers: late enough for every planned time.
var farFuture = t0.Add(30 * 24 * time.Hour)

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

// decide decides a request (domain.RequestHandoff) or a command on h.
func decide(h domain.Handoff, cmd any, now time.Time) ([]domain.Event, error) {
	switch c := cmd.(type) {
	case domain.RequestHandoff:
		return domain.DecideRequest(h, c, now)
	case domain.HandoffCommand:
		return domain.DecideHandoff(h, c, now)
	}
	panic(fmt.Sprintf("not a hand-off command: %T", cmd))
}

func fold(h domain.Handoff, evs []domain.Event) domain.Handoff {
	for _, e := range evs {
		h = domain.EvolveHandoff(h, e)
	}
	return h
}

// run opens a hand-off with req, then decides and folds every command in
// turn, failing the test on error.
func run(t *testing.T, req domain.RequestHandoff, cmds ...domain.HandoffCommand) domain.Handoff {
	t.Helper()
	evs, err := domain.DecideRequest(domain.Handoff{}, req, farFuture)
	require.NoError(t, err, "request")
	h := fold(domain.Handoff{}, evs)
	for i, c := range cmds {
		evs, err := domain.DecideHandoff(h, c, farFuture)
		require.NoError(t, err, "command %d (%s)", i, c.Name)
		h = fold(h, evs)
	}
	return h
}

// reach returns a hand-off in state s; for StateNone, one not requested.
func reach(t *testing.T, s domain.State) domain.Handoff {
	t.Helper()
	req := request("h1")
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	switch s {
	case domain.StateNone:
		return domain.Handoff{}
	case domain.StateRequested:
		return run(t, req)
	case domain.StateAccepted:
		return run(t, req, domain.HandoffCommand{Name: domain.Accept, At: at(1)})
	case domain.StatePaused:
		return run(t, req, domain.HandoffCommand{Name: domain.Accept, At: at(1)},
			domain.HandoffCommand{Name: domain.Pause, Reason: "need data", At: at(2)})
	case domain.StateDelivered:
		return run(t, req, domain.HandoffCommand{Name: domain.Deliver, At: at(3)})
	case domain.StateReturned:
		return run(t, req, domain.HandoffCommand{Name: domain.Deliver, At: at(3)},
			domain.HandoffCommand{Name: domain.Return, Reason: "wrong", At: at(4)})
	case domain.StateCancelled:
		return run(t, req, domain.HandoffCommand{Name: domain.Cancel, At: at(5)})
	}
	panic("unknown state " + s)
}

// TestLifecycleTable checks every command in every state against the
// lifecycle table of the README: allowed where listed, ErrTransition elsewhere.
func TestLifecycleTable(t *testing.T) {
	later := t0.Add(30 * time.Minute)
	type row struct {
		name    string
		cmd     any
		allowed []domain.State
		result  domain.State // "" when the state does not change
		event   string
	}
	rows := []row{
		{domain.Request, request("h1"), []domain.State{domain.StateNone}, domain.StateRequested, domain.TypeHandoffRequested},
		{domain.Accept, domain.HandoffCommand{Name: domain.Accept, At: later},
			[]domain.State{domain.StateRequested, domain.StateReturned}, domain.StateAccepted, domain.TypeHandoffAccepted},
		{domain.Pause, domain.HandoffCommand{Name: domain.Pause, Reason: "r", At: later},
			[]domain.State{domain.StateAccepted}, domain.StatePaused, domain.TypeHandoffPaused},
		{domain.Resume, domain.HandoffCommand{Name: domain.Resume, At: later},
			[]domain.State{domain.StatePaused}, domain.StateAccepted, domain.TypeHandoffResumed},
		{domain.Deliver, domain.HandoffCommand{Name: domain.Deliver, Note: "n", At: later},
			[]domain.State{domain.StateRequested, domain.StateAccepted, domain.StateReturned}, domain.StateDelivered, domain.TypeHandoffDelivered},
		{domain.Return, domain.HandoffCommand{Name: domain.Return, Reason: "r", At: later},
			[]domain.State{domain.StateDelivered}, domain.StateReturned, domain.TypeHandoffReturned},
		{domain.Escalate, domain.HandoffCommand{Name: domain.Escalate, Reason: "late", At: later},
			[]domain.State{domain.StateRequested, domain.StateAccepted, domain.StatePaused, domain.StateReturned}, "", domain.TypeHandoffEscalated},
		{domain.Cancel, domain.HandoffCommand{Name: domain.Cancel, Reason: "r", At: later},
			[]domain.State{domain.StateRequested, domain.StateAccepted, domain.StatePaused, domain.StateReturned}, domain.StateCancelled, domain.TypeHandoffCancelled},
		{domain.Rate, domain.HandoffCommand{Name: domain.Rate, Score: 4, At: later},
			[]domain.State{domain.StateDelivered}, "", domain.TypeHandoffRated},
	}
	var names []string
	for _, c := range domain.Commands() {
		names = append(names, c.Name)
	}
	var want []string
	for _, r := range rows {
		want = append(want, r.name)
	}
	require.Equal(t, want, names, "the domain's table lists the README's commands")

	all := append([]domain.State{domain.StateNone}, domain.States...)
	for _, r := range rows {
		spec, ok := domain.LookupCommand(r.name)
		require.True(t, ok, r.name)
		assert.ElementsMatch(t, r.allowed, spec.From, "%s is allowed from", r.name)
		for _, from := range all {
			t.Run(r.name+"/from-"+string(from), func(t *testing.T) {
				h := reach(t, from)
				evs, err := decide(h, r.cmd, later)
				if !spec.AllowedFrom(from) {
					assert.NotContains(t, r.allowed, from)
					want := domain.ErrTransition
					if from == domain.StateNone {
						want = domain.ErrNotFound
					} else if r.name == domain.Request {
						want = domain.ErrConflict
					}
					require.ErrorIs(t, err, want)
					if want == domain.ErrTransition {
						assert.Contains(t, err.Error(), string(from), "the error names the state")
						assert.Contains(t, err.Error(), r.name, "the error names the command")
					}
					assert.Empty(t, evs)
					return
				}
				require.Contains(t, r.allowed, from)
				require.NoError(t, err)
				require.Len(t, evs, 1)
				assert.Equal(t, r.event, domain.EventType(evs[0]))
				want := r.result
				if want == "" {
					want = h.State
				}
				assert.Equal(t, want, domain.EvolveHandoff(h, evs[0]).State)
			})
		}
	}
}

func TestSides(t *testing.T) {
	tests := []struct {
		name string
		want domain.Side
	}{
		{domain.Request, domain.SideEither},
		{domain.Accept, domain.SideSupplier},
		{domain.Pause, domain.SideSupplier},
		{domain.Resume, domain.SideEither},
		{domain.Deliver, domain.SideSupplier},
		{domain.Return, domain.SideCustomer},
		{domain.Escalate, domain.SideCustomer},
		{domain.Cancel, domain.SideCustomer},
		{domain.Rate, domain.SideCustomer},
	}
	for _, tt := range tests {
		spec, ok := domain.LookupCommand(tt.name)
		require.True(t, ok, tt.name)
		assert.Equal(t, tt.want, spec.Sides, "%s may be issued by", tt.name)
	}
}

func TestCommandRoutesAndFields(t *testing.T) {
	got := map[string][]domain.Field{}
	for _, c := range domain.Commands() {
		if c.Name != domain.Request {
			got[c.RouteName()] = c.Fields
		}
	}
	assert.Equal(t, map[string][]domain.Field{
		"accept": nil, "pause": {domain.FieldReason}, "resume": nil, "deliver": {domain.FieldNote},
		"return": {domain.FieldReason}, "escalate": {domain.FieldReason}, "cancel": {domain.FieldReason},
		"rating": {domain.FieldScore, domain.FieldComment},
	}, got)

	_, ok := domain.LookupCommand("teleport")
	assert.False(t, ok)
	rows := domain.Commands()
	rows[1].From[0] = domain.StateCancelled
	spec, _ := domain.LookupCommand(rows[1].Name)
	assert.NotEqual(t, domain.StateCancelled, spec.From[0], "Commands returns copies")
}

// TestCommandFingerprint pins the JSON of each command to the JSON of the
// typed command structs of earlier releases: the application layer hashes
// it for idempotency keys, which are stored in the log.
func TestCommandFingerprint(t *testing.T) {
	at := t0
	type reason struct {
		Reason string
		At     time.Time
	}
	tests := []struct {
		cmd    domain.HandoffCommand
		legacy any
	}{
		{domain.HandoffCommand{Name: domain.Accept, At: at}, struct{ At time.Time }{at}},
		{domain.HandoffCommand{Name: domain.Resume}, struct{ At time.Time }{}},
		{domain.HandoffCommand{Name: domain.Pause, Reason: "r", At: at}, reason{"r", at}},
		{domain.HandoffCommand{Name: domain.Return, Reason: "r", At: at}, reason{"r", at}},
		{domain.HandoffCommand{Name: domain.Escalate, At: at}, reason{"", at}},
		{domain.HandoffCommand{Name: domain.Cancel, Reason: "gone", At: at}, reason{"gone", at}},
		{domain.HandoffCommand{Name: domain.Deliver, Note: "n", At: at}, struct {
			Note string
			At   time.Time
		}{"n", at}},
		{domain.HandoffCommand{Name: domain.Rate, Score: 4, Comment: "ok", At: at}, struct {
			Score   int
			Comment string
			At      time.Time
		}{4, "ok", at}},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.cmd)
		require.NoError(t, err)
		want, err := json.Marshal(tt.legacy)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), tt.cmd.Name)
		assert.Equal(t, string(want), string(got), "%s: same bytes, in the same order", tt.cmd.Name)
	}
	a, _ := json.Marshal(domain.HandoffCommand{Name: "x", Reason: "a"})
	b, _ := json.Marshal(domain.HandoffCommand{Name: "y", Reason: "a"})
	assert.NotEqual(t, string(a), string(b), "unknown commands differ by name")
}

func TestValidation(t *testing.T) {
	retired := domain.EvolveDepartment(dept("it"), domain.DepartmentRetired{DepartmentID: "it", At: t0})
	withReq := func(f func(*domain.RequestHandoff)) domain.RequestHandoff {
		r := request("h1")
		f(&r)
		return r
	}
	delivered := reach(t, domain.StateDelivered)
	accepted := reach(t, domain.StateAccepted)
	tests := []struct {
		name  string
		h     domain.Handoff
		cmd   any
		field string
		kind  error
	}{
		{"bad id", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.ID = "a b" }), "id", domain.ErrInvalid},
		{"same pair", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Customer = "it" }), "customer", domain.ErrInvalid},
		{"bad kind", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Kind = "Big Kind" }), "kind", domain.ErrInvalid},
		{"empty title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = "" }), "title", domain.ErrInvalid},
		{"blank title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = " \t\n " }), "title", domain.ErrInvalid},
		{"blank reason", delivered, domain.HandoffCommand{Name: domain.Return, Reason: "   "}, "reason", domain.ErrInvalid},
		{"long title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = strings.Repeat("é", 201) }), "title", domain.ErrInvalid},
		{"unknown supplier", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.SupplierDept = domain.Department{} }), "", domain.ErrNotFound},
		{"retired supplier", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.SupplierDept = retired }), "supplier", domain.ErrInvalid},
		{"future", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.At = t0.Add(time.Hour) }), "occurred_at", domain.ErrInvalid},
		{"before previous", accepted, domain.HandoffCommand{Name: domain.Deliver, At: t0.Add(-time.Minute)}, "occurred_at", domain.ErrInvalid},
		{"return needs reason", delivered, domain.HandoffCommand{Name: domain.Return}, "reason", domain.ErrInvalid},
		{"score 0", delivered, domain.HandoffCommand{Name: domain.Rate, Score: 0}, "score", domain.ErrInvalid},
		{"score 6", delivered, domain.HandoffCommand{Name: domain.Rate, Score: 6}, "score", domain.ErrInvalid},
		{"long comment", delivered, domain.HandoffCommand{Name: domain.Rate, Score: 3, Comment: strings.Repeat("x", 2001)}, "comment", domain.ErrInvalid},
		{"field not taken", accepted, domain.HandoffCommand{Name: domain.Deliver, Reason: "why"}, "reason", domain.ErrInvalid},
		{"unknown command", accepted, domain.HandoffCommand{Name: "teleport"}, "command", domain.ErrInvalid},
		{"request as a command", accepted, domain.HandoffCommand{Name: domain.Request}, "command", domain.ErrInvalid},
		{"before 1970", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.At = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC) }), "occurred_at", domain.ErrInvalid},
		{"NUL in title", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Title = "a\x00b" }), "title", domain.ErrInvalid},
		{"long details", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Details = strings.Repeat("é", domain.MaxDetailsLen+1) }), "details", domain.ErrInvalid},
		{"escape in details", domain.Handoff{}, withReq(func(r *domain.RequestHandoff) { r.Details = "\x1b[2J" }), "details", domain.ErrInvalid},
		{"escape in comment", delivered, domain.HandoffCommand{Name: domain.Rate, Score: 3, Comment: "\x1b[31mred"}, "comment", domain.ErrInvalid},
		{"carriage return in reason", delivered, domain.HandoffCommand{Name: domain.Return, Reason: "a\rb"}, "reason", domain.ErrInvalid},
		{"DEL in note", accepted, domain.HandoffCommand{Name: domain.Deliver, Note: "a\x7f"}, "note", domain.ErrInvalid},
		{"C1 control in reason", accepted, domain.HandoffCommand{Name: domain.Pause, Reason: "a\u0085b"}, "reason", domain.ErrInvalid},
		{"invalid UTF-8 in comment", delivered, domain.HandoffCommand{Name: domain.Rate, Score: 3, Comment: "a\xffb"}, "comment", domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := decide(tt.h, tt.cmd, t0.Add(time.Minute))
			require.ErrorIs(t, err, tt.kind)
			assert.Empty(t, evs)
			if tt.field != "" {
				var ve *domain.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field)
			}
		})
	}
}

func TestFreeTextKeepsTabsAndNewlines(t *testing.T) {
	delivered := reach(t, domain.StateDelivered)
	evs, err := domain.DecideHandoff(delivered, domain.HandoffCommand{Name: domain.Rate, Score: 4, Comment: "line one\n\tline two"}, t0.Add(time.Minute))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "line one\n\tline two", evs[0].(domain.HandoffRated).Comment)
}

func TestOccurredAtDefaultsToNow(t *testing.T) {
	r := request("h1")
	r.At = time.Time{}
	evs, err := domain.DecideRequest(domain.Handoff{}, r, t0)
	require.NoError(t, err)
	assert.Equal(t, t0, domain.OccurredAt(evs[0]))
	// Slightly-future previous event (within the skew): "now" keeps order.
	h := fold(domain.Handoff{}, evs)
	evs, err = domain.DecideHandoff(h, domain.HandoffCommand{Name: domain.Accept}, t0.Add(-2*time.Minute))
	require.NoError(t, err, "accept with now before the previous event")
	assert.Equal(t, t0, domain.OccurredAt(evs[0]))
}

func TestRatingTargetsLatestDelivery(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	h := run(t, request("h1"),
		domain.HandoffCommand{Name: domain.Deliver, At: at(10)},
		domain.HandoffCommand{Name: domain.Rate, Score: 2, At: at(11)},
		domain.HandoffCommand{Name: domain.Return, Reason: "incomplete", At: at(12)},
		domain.HandoffCommand{Name: domain.Deliver, At: at(20)},
		domain.HandoffCommand{Name: domain.Rate, Score: 3, At: at(21)},
		domain.HandoffCommand{Name: domain.Rate, Score: 5, Comment: "great", At: at(22)})
	assert.Equal(t, 2, h.Deliveries)
	assert.Equal(t, &domain.Rating{Delivery: 2, Score: 5, Comment: "great", At: at(22)}, h.Rating)
	assert.Equal(t, 1, h.Returns)
	assert.Equal(t, domain.StateDelivered, h.State)
}

func TestCommandSidesAsTheTable(t *testing.T) {
	for _, spec := range domain.Commands() {
		sides, ok := domain.CommandSides(spec.Name)
		require.True(t, ok, spec.Name)
		assert.Equal(t, spec.Sides, sides, spec.Name)
	}
	_, ok := domain.CommandSides("teleport")
	assert.False(t, ok)
}
