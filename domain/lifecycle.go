package domain

import (
	"encoding/json"
	"slices"
	"time"
)

// The names of the hand-off commands, as the lifecycle table lists them.
const (
	Request  = "request"
	Accept   = "accept"
	Pause    = "pause"
	Resume   = "resume"
	Deliver  = "deliver"
	Return   = "return"
	Escalate = "escalate"
	Cancel   = "cancel"
	Rate     = "rate"
)

// lifecycle is the lifecycle table: every hand-off command, who may issue
// it, the states it is allowed from, the members of its request body and the
// function that decides it. The HTTP routes, the authorization of the
// application layer, the demo and the importer are all driven by it; adding a
// command is one row here plus its decide function.
var lifecycle = []CommandSpec{
	// Request opens the hand-off. It takes a RequestHandoff (DecideRequest),
	// served at POST /api/v1/handoffs, so it has no decide function here;
	// its Fields are the optional members beside id, supplier, customer,
	// kind and title.
	{Name: Request, Sides: SideEither, From: []State{StateNone}, Fields: []Field{FieldDetails}},
	{Name: Accept, Sides: SideSupplier, From: []State{StateRequested, StateReturned}, decide: decideAccept},
	{Name: Pause, Sides: SideSupplier, From: []State{StateAccepted}, Fields: []Field{FieldReason}, decide: decidePause},
	{Name: Resume, Sides: SideEither, From: []State{StatePaused}, decide: decideResume},
	{Name: Deliver, Sides: SideSupplier, From: []State{StateRequested, StateAccepted, StateReturned},
		Fields: []Field{FieldNote}, decide: decideDeliver},
	{Name: Return, Sides: SideCustomer, From: []State{StateDelivered}, Fields: []Field{FieldReason}, decide: decideReturn},
	{Name: Escalate, Sides: SideCustomer, From: []State{StateRequested, StateAccepted, StatePaused, StateReturned},
		Fields: []Field{FieldReason}, decide: decideEscalate},
	{Name: Cancel, Sides: SideCustomer, From: []State{StateRequested, StateAccepted, StatePaused, StateReturned},
		Fields: []Field{FieldReason}, decide: decideCancel},
	{Name: Rate, Route: "rating", Sides: SideCustomer, From: []State{StateDelivered},
		Fields: []Field{FieldScore, FieldComment}, decide: decideRate},
}

// CommandSpec is one row of the lifecycle table.
type CommandSpec struct {
	// Name is the command's verb, as errors name it: "accept", "rate".
	Name string
	// Route is the last segment of the command's HTTP route,
	// POST /api/v1/handoffs/{id}/<route>, when it differs from Name.
	Route string
	// Sides tells which side of the hand-off may issue the command.
	Sides Side
	// From lists the states the command is allowed from.
	From []State
	// Fields lists the members of the command's request body besides
	// occurred_at, in the order the body documents them.
	Fields []Field
	// decide returns the events of the command on h, which exists and is
	// in a state of From; at is the command's resolved business time.
	decide func(h Handoff, c HandoffCommand, at time.Time) ([]Event, error)
}

// RouteName returns the last segment of the command's HTTP route: Route,
// or Name when Route is empty.
func (c CommandSpec) RouteName() string {
	if c.Route != "" {
		return c.Route
	}
	return c.Name
}

// AllowedFrom reports whether the command may be issued in state s.
func (c CommandSpec) AllowedFrom(s State) bool { return slices.Contains(c.From, s) }

// Takes reports whether f is a member of the command's request body.
func (c CommandSpec) Takes(f Field) bool { return slices.Contains(c.Fields, f) }

// Commands returns the lifecycle table, one row per command, request first.
// The rows are copies: changing them changes nothing.
func Commands() []CommandSpec {
	out := make([]CommandSpec, len(lifecycle))
	for i, c := range lifecycle {
		c.From, c.Fields = slices.Clone(c.From), slices.Clone(c.Fields)
		out[i] = c
	}
	return out
}

// LookupCommand returns the row of the command called name, a copy.
func LookupCommand(name string) (CommandSpec, bool) {
	c, ok := command(name)
	if !ok {
		return CommandSpec{}, false
	}
	spec := *c
	spec.From, spec.Fields = slices.Clone(c.From), slices.Clone(c.Fields)
	return spec, true
}

// CommandSides returns the sides that may issue the command called name,
// and false for an unknown command: LookupCommand without the copy, for
// the checks every command request makes.
func CommandSides(name string) (Side, bool) {
	c, ok := command(name)
	if !ok {
		return 0, false
	}
	return c.Sides, true
}

// command returns the row of the command called name, shared.
func command(name string) (*CommandSpec, bool) {
	for i := range lifecycle {
		if lifecycle[i].Name == name {
			return &lifecycle[i], true
		}
	}
	return nil, false
}

// Field is a member of a command's request body besides occurred_at.
type Field string

// The fields of the hand-off commands.
const (
	FieldReason  Field = "reason"
	FieldNote    Field = "note"
	FieldScore   Field = "score"
	FieldComment Field = "comment"
	// FieldDetails is the request's optional free text beside its title.
	FieldDetails Field = "details"
)

// HandoffCommand is a command on an existing hand-off: a row of the
// lifecycle table by Name, and the fields of its body. A command carries
// only the fields its row lists; the others stay zero.
type HandoffCommand struct {
	Name    string
	Reason  string
	Note    string
	Score   int
	Comment string
	// At is the business time; zero means now.
	At time.Time
}

// MarshalJSON writes the fields the command takes and its time, as
// {"Reason":"…","At":"…"}: the shape the application layer fingerprints
// idempotent requests with since the first release, so a retry of a
// request whose key is stored in the log still matches it.
func (c HandoffCommand) MarshalJSON() ([]byte, error) {
	spec, known := command(c.Name)
	takes := func(f Field) bool { return !known || spec.Takes(f) }
	var v struct {
		Name    *string `json:",omitempty"`
		Reason  *string `json:",omitempty"`
		Note    *string `json:",omitempty"`
		Score   *int    `json:",omitempty"`
		Comment *string `json:",omitempty"`
		At      time.Time
	}
	v.At = c.At
	if !known {
		v.Name = &c.Name
	}
	if takes(FieldReason) {
		v.Reason = &c.Reason
	}
	if takes(FieldNote) {
		v.Note = &c.Note
	}
	if takes(FieldScore) {
		v.Score = &c.Score
	}
	if takes(FieldComment) {
		v.Comment = &c.Comment
	}
	return json.Marshal(v)
}

// set reports whether the command carries a value for f.
func (c HandoffCommand) set(f Field) bool {
	switch f {
	case FieldReason:
		return c.Reason != ""
	case FieldNote:
		return c.Note != ""
	case FieldScore:
		return c.Score != 0
	case FieldComment:
		return c.Comment != ""
	}
	return false
}

// DecideHandoff returns the events that record cmd on h, or an error that
// names the field (ErrInvalid), the state (ErrTransition), or ErrNotFound.
// Requests are decided by DecideRequest.
func DecideHandoff(h Handoff, cmd HandoffCommand, now time.Time) ([]Event, error) {
	spec, ok := command(cmd.Name)
	if !ok || spec.decide == nil {
		return nil, invalid("command", "unknown command %q on an existing hand-off", cmd.Name)
	}
	if !h.Exists() {
		return nil, notFound("hand-off", h.ID)
	}
	if !spec.AllowedFrom(h.State) {
		return nil, &TransitionError{Command: cmd.Name, State: h.State}
	}
	at, err := occurredAt(cmd.At, h.LastAt, now)
	if err != nil {
		return nil, err
	}
	for _, f := range []Field{FieldReason, FieldNote, FieldScore, FieldComment} {
		if cmd.set(f) && !spec.Takes(f) {
			return nil, invalid(string(f), "%s takes no %s", cmd.Name, f)
		}
	}
	return spec.decide(h, cmd, at)
}

func decideAccept(h Handoff, _ HandoffCommand, at time.Time) ([]Event, error) {
	return []Event{HandoffAccepted{HandoffID: h.ID, At: at}}, nil
}

func decidePause(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if err := checkText("reason", c.Reason, 0, MaxReasonLen); err != nil {
		return nil, err
	}
	return []Event{HandoffPaused{HandoffID: h.ID, Reason: c.Reason, At: at}}, nil
}

func decideResume(h Handoff, _ HandoffCommand, at time.Time) ([]Event, error) {
	return []Event{HandoffResumed{HandoffID: h.ID, At: at}}, nil
}

func decideDeliver(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if err := checkText("note", c.Note, 0, MaxReasonLen); err != nil {
		return nil, err
	}
	return []Event{HandoffDelivered{HandoffID: h.ID, Delivery: h.Deliveries + 1, Note: c.Note, At: at}}, nil
}

func decideReturn(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if err := checkText("reason", c.Reason, 1, MaxReasonLen); err != nil {
		return nil, err
	}
	return []Event{HandoffReturned{HandoffID: h.ID, Reason: c.Reason, At: at}}, nil
}

func decideEscalate(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if err := checkText("reason", c.Reason, 0, MaxReasonLen); err != nil {
		return nil, err
	}
	return []Event{HandoffEscalated{HandoffID: h.ID, Reason: c.Reason, At: at}}, nil
}

func decideCancel(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if err := checkText("reason", c.Reason, 0, MaxReasonLen); err != nil {
		return nil, err
	}
	return []Event{HandoffCancelled{HandoffID: h.ID, Reason: c.Reason, At: at}}, nil
}

func decideRate(h Handoff, c HandoffCommand, at time.Time) ([]Event, error) {
	if c.Score < 1 || c.Score > 5 {
		return nil, invalid("score", "must be 1 to 5, got %d", c.Score)
	}
	if err := checkText("comment", c.Comment, 0, MaxCommentLen); err != nil {
		return nil, err
	}
	return []Event{HandoffRated{HandoffID: h.ID, Delivery: h.Deliveries, Score: c.Score, Comment: c.Comment, At: at}}, nil
}
