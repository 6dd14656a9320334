package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// BatchService runs many commands in one call.
type BatchService interface {
	Batch(ctx context.Context, a api.Actor, cmds []api.Command) ([]api.CommandResult, error)
}

// Limits of POST /api/v1/batch.
const (
	// MaxBatchCommands is the most commands one batch may hold: enough
	// for an import to write thousands of hand-offs per commit, few enough
	// that one request is answered in seconds.
	MaxBatchCommands = 10_000
	// maxBatchBody is the largest batch body accepted, in bytes: 16 MiB,
	// 10,000 commands of about 1.6 KB each (long titles included).
	maxBatchBody = 16 << 20
)

// batchCommandJSON is one command of a batch: "command" names it, and the
// members are those of the command's own endpoint, with the path
// parameters ("id", "supplier", "customer") and the Idempotency-Key header
// ("idempotency_key") as members.
type batchCommandJSON struct {
	Command        string          `json:"command"`
	IdempotencyKey *string         `json:"idempotency_key"`
	ID             *string         `json:"id"`
	Name           *string         `json:"name"`
	Supplier       *string         `json:"supplier"`
	Customer       *string         `json:"customer"`
	Kind           *string         `json:"kind"`
	Title          *string         `json:"title"`
	Details        *string         `json:"details"`
	ResolveWithin  json.RawMessage `json:"resolve_within"`
	RespondWithin  json.RawMessage `json:"respond_within"`
	Calendar       *string         `json:"calendar"`
	OccurredAt     *string         `json:"occurred_at"`
	Reason         *string         `json:"reason"`
	Note           *string         `json:"note"`
	Score          *int            `json:"score"`
	Comment        *string         `json:"comment"`
}

// batchTakes lists the members each batch command takes besides command,
// idempotency_key and occurred_at. A hand-off command is named by its route
// ("rating", as POST /api/v1/handoffs/{id}/rating), one per row of the
// lifecycle table.
var batchTakes = func() map[string][]string {
	takes := map[string][]string{
		"department": {"id", "name"},
		"agreement":  {"supplier", "customer", "kind", "resolve_within", "respond_within", "calendar"},
		"request":    {"id", "supplier", "customer", "kind", "title", "details"},
	}
	for _, spec := range domain.Commands() {
		if spec.Name == domain.Request {
			continue
		}
		members := []string{"id"}
		for _, f := range spec.Fields {
			members = append(members, string(f))
		}
		takes[spec.RouteName()] = members
	}
	return takes
}()

// batchField is a member of a batch command but "command": its name, and
// where its value goes in a batchCommandJSON (exactly one of str, raw and
// num).
type batchField struct {
	name string
	str  func(*batchCommandJSON) **string
	raw  func(*batchCommandJSON) *json.RawMessage
	num  func(*batchCommandJSON) **int
}

// batchFields is the one list of the members of batchCommandJSON but
// "command" (a test holds it to the struct), read by the checks of the
// handler and by decodeBatch: first those every command takes, then, from
// batchEveryCommand on, those only some take (batchTakes).
var batchFields = [...]batchField{
	{name: "idempotency_key", str: func(b *batchCommandJSON) **string { return &b.IdempotencyKey }},
	{name: "occurred_at", str: func(b *batchCommandJSON) **string { return &b.OccurredAt }},
	{name: "id", str: func(b *batchCommandJSON) **string { return &b.ID }},
	{name: "name", str: func(b *batchCommandJSON) **string { return &b.Name }},
	{name: "supplier", str: func(b *batchCommandJSON) **string { return &b.Supplier }},
	{name: "customer", str: func(b *batchCommandJSON) **string { return &b.Customer }},
	{name: "kind", str: func(b *batchCommandJSON) **string { return &b.Kind }},
	{name: "title", str: func(b *batchCommandJSON) **string { return &b.Title }},
	{name: "details", str: func(b *batchCommandJSON) **string { return &b.Details }},
	{name: "resolve_within", raw: func(b *batchCommandJSON) *json.RawMessage { return &b.ResolveWithin }},
	{name: "respond_within", raw: func(b *batchCommandJSON) *json.RawMessage { return &b.RespondWithin }},
	{name: "reason", str: func(b *batchCommandJSON) **string { return &b.Reason }},
	{name: "note", str: func(b *batchCommandJSON) **string { return &b.Note }},
	{name: "score", num: func(b *batchCommandJSON) **int { return &b.Score }},
	{name: "comment", str: func(b *batchCommandJSON) **string { return &b.Comment }},
	{name: "calendar", str: func(b *batchCommandJSON) **string { return &b.Calendar }},
}

// batchEveryCommand is how many of batchFields every command takes.
const batchEveryCommand = 2

// set reports whether b has the member f.
func (f *batchField) set(b *batchCommandJSON) bool {
	switch {
	case f.str != nil:
		return *f.str(b) != nil
	case f.raw != nil:
		return *f.raw(b) != nil
	}
	return *f.num(b) != nil
}

// batchMember is a set of the members of a batch command that only some
// commands take: bit i for batchFields[batchEveryCommand+i].
type batchMember uint16

// batchAllowed is batchTakes as a set of bits per command, looked up once
// per command of a batch rather than built.
var batchAllowed = func() map[string]batchMember {
	out := make(map[string]batchMember, len(batchTakes))
	for name, takes := range batchTakes {
		var m batchMember
		for _, t := range takes {
			i := slices.IndexFunc(batchFields[batchEveryCommand:], func(f batchField) bool { return f.name == t })
			if i < 0 {
				panic("batch member " + t + " has no bit")
			}
			m |= 1 << i
		}
		out[name] = m
	}
	return out
}()

// batchRoutes holds the row of the lifecycle table served at each route,
// the request's row aside.
var batchRoutes = func() map[string]domain.CommandSpec {
	out := map[string]domain.CommandSpec{}
	for _, spec := range domain.Commands() {
		if spec.Name != domain.Request {
			out[spec.RouteName()] = spec
		}
	}
	return out
}()

// given returns the members of b that only some commands take
// (batchMember).
func (b *batchCommandJSON) given() batchMember {
	var m batchMember
	for i := range batchFields[batchEveryCommand:] {
		if batchFields[batchEveryCommand+i].set(b) {
			m |= 1 << i
		}
	}
	return m
}

type batchResultJSON struct {
	Status   int      `json:"status"`
	Position uint64   `json:"position,omitempty"`
	Replayed bool     `json:"replayed,omitempty"`
	Problem  *problem `json:"problem,omitempty"`
}

func (s *Server) batch(c echo.Context) error {
	if err := actorOf(c).MaySendBatch(); err != nil { // before reading the body; Batch decides it too
		return err
	}
	if _, keyed := c.Request().Header[headerIdempotencyKey]; keyed {
		// Ignored, it would let a client believe a retried batch safe.
		return badRequest(headerIdempotencyKey, "a batch takes no Idempotency-Key header: give each command its idempotency_key member")
	}
	data, err := readBody(c)
	if err != nil {
		return err
	}
	body, err := decodeBatch(data)
	if err != nil {
		return err
	}
	if n := len(body.Commands); n == 0 || n > MaxBatchCommands {
		return badRequest("commands", "commands must hold 1 to %d commands, got %d", MaxBatchCommands, n)
	}
	results := make([]batchResultJSON, len(body.Commands))
	cmds := make([]api.Command, 0, len(body.Commands))
	index := make([]int, 0, len(body.Commands)) // result of each command sent
	for i := range body.Commands {
		cmd, err := body.Commands[i].command(requestID(c))
		if err != nil {
			pr, _ := problemFor(err)
			pr = inCommand(pr, i)
			results[i] = batchResultJSON{Status: pr.Status, Problem: &pr}
			continue
		}
		cmds = append(cmds, cmd)
		index = append(index, i)
	}
	var position uint64
	if len(cmds) > 0 {
		res, err := s.cfg.Service.Batch(c.Request().Context(), actorOf(c), cmds)
		if err != nil {
			return err
		}
		for k, r := range res {
			i := index[k]
			if r.Err != nil {
				pr, internal := problemFor(r.Err)
				if internal {
					c.Set(keyError, r.Err) // logged with the request's line
				}
				pr = inCommand(pr, i)
				results[i] = batchResultJSON{Status: pr.Status, Problem: &pr}
				continue
			}
			status := http.StatusOK
			if r.Created {
				status = http.StatusCreated
			}
			results[i] = batchResultJSON{Status: status, Position: r.Position, Replayed: r.Replayed}
			position = max(position, r.Position)
		}
	}
	answer := batchAnswerJSON{results, position}
	if !readyMade(c) {
		return written(c, http.StatusOK, position, answer)
	}
	setHeader(c, headerPosition, strconv.FormatUint(position, 10))
	return writeParts(c, http.StatusOK, answer.appendJSON(make([]byte, 0, 32+32*len(results))))
}

// batchAnswerJSON is the answer of POST /api/v1/batch.
type batchAnswerJSON struct {
	Results  []batchResultJSON `json:"results"`
	Position uint64            `json:"position"`
}

// appendJSON appends the answer as c.JSON writes it, newline included,
// without reflection: an answer holds up to 10,000 results.
func (a batchAnswerJSON) appendJSON(buf []byte) []byte {
	buf = append(buf, `{"results":[`...)
	for i, r := range a.Results {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(append(buf, `{"status":`...), int64(r.Status), 10)
		if r.Position != 0 {
			buf = strconv.AppendUint(append(buf, `,"position":`...), r.Position, 10)
		}
		if r.Replayed {
			buf = append(buf, `,"replayed":true`...)
		}
		if r.Problem != nil {
			pr, _ := json.Marshal(r.Problem) // strings and integers: it cannot fail
			buf = append(append(buf, `,"problem":`...), pr...)
		}
		buf = append(buf, '}')
	}
	buf = strconv.AppendUint(append(buf, `],"position":`...), a.Position, 10)
	return append(buf, '}', '\n')
}

// inCommand names the member at fault in pr, which the domain names as in
// its own endpoint ("title"), as the member of the i-th command
// ("commands[i].title"), in field and detail.
func inCommand(pr problem, i int) problem {
	if pr.Field == "" || strings.HasPrefix(pr.Field, "commands[") {
		return pr
	}
	field := fmt.Sprintf("commands[%d].%s", i, pr.Field)
	if rest, ok := strings.CutPrefix(pr.Detail, pr.Field+": "); ok {
		pr.Detail = field + ": " + rest
	}
	pr.Field = field
	return pr
}

// command turns one batch member into an application command; its
// problems name the member as its own endpoint does ("title"), which the
// handler names as the member of the command (inCommand).
func (b *batchCommandJSON) command(correlation string) (api.Command, error) {
	allowed, ok := batchAllowed[b.Command]
	if !ok {
		names := make([]string, 0, len(batchTakes))
		for n := range batchTakes {
			names = append(names, n)
		}
		slices.Sort(names)
		return api.Command{}, badRequest("command", "command must be one of %v, got %q", names, b.Command)
	}
	if extra := b.given() &^ allowed; extra != 0 {
		name := batchFields[batchEveryCommand+bits.TrailingZeros16(uint16(extra))].name
		takes := make([]string, 0, batchEveryCommand+len(batchTakes[b.Command]))
		for _, f := range batchFields[:batchEveryCommand] {
			takes = append(takes, f.name)
		}
		return api.Command{}, badRequest(name, "unknown field %q: %s takes %v", name, b.Command,
			append(takes, batchTakes[b.Command]...))
	}
	m := api.Meta{CorrelationID: correlation}
	if b.IdempotencyKey != nil {
		if !printableASCII(*b.IdempotencyKey, 200) {
			return api.Command{}, badRequest("idempotency_key", "an idempotency key is 1 to 200 printable ASCII characters")
		}
		m.IdempotencyKey = *b.IdempotencyKey
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	at, err := parseTime("occurred_at", b.OccurredAt)
	if err != nil {
		return api.Command{}, err
	}
	switch b.Command {
	case "department":
		return api.Command{Meta: m, Department: &domain.RegisterDepartment{ID: str(b.ID), Name: str(b.Name), At: at}}, nil
	case "agreement":
		resolve, err := parseDuration("resolve_within", b.ResolveWithin)
		if err != nil {
			return api.Command{}, err
		}
		respond, err := parseDuration("respond_within", b.RespondWithin)
		if err != nil {
			return api.Command{}, err
		}
		return api.Command{Meta: m, Agreement: &domain.SetAgreement{Supplier: str(b.Supplier), Customer: str(b.Customer),
			Kind: str(b.Kind), ResolveWithin: resolve, RespondWithin: respond, Calendar: str(b.Calendar), At: at}}, nil
	case "request":
		id, err := chosenID(b.ID)
		if err != nil {
			return api.Command{}, err
		}
		return api.Command{Meta: m, Request: &domain.RequestHandoff{ID: id, Supplier: str(b.Supplier),
			Customer: str(b.Customer), Kind: str(b.Kind), Title: str(b.Title), Details: str(b.Details), At: at}}, nil
	}
	spec := batchRoutes[b.Command] // every other command of batchTakes is a row of the table
	// The members were checked against the row's fields above.
	cmd := domain.HandoffCommand{Name: spec.Name, At: at, Reason: str(b.Reason), Note: str(b.Note),
		Comment: str(b.Comment)}
	if b.Score != nil {
		cmd.Score = *b.Score
	}
	return api.Command{Meta: m, HandoffID: str(b.ID), Handoff: cmd}, nil
}
