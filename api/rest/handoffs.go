package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/handoffindex"
)

// HandoffService runs the hand-off commands and shows one hand-off.
type HandoffService interface {
	RequestHandoff(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RequestHandoff) (api.HandoffResult, error)
	Execute(ctx context.Context, a api.Actor, m api.Meta, id string, cmd domain.HandoffCommand) (api.HandoffResult, error)
	Handoff(ctx context.Context, a api.Actor, id string, asOf time.Time) (api.HandoffView, error)
}

// HandoffIndex is the read model behind the list of hand-offs; the
// application layer (api.ListHandoffs) decides what an actor may list.
type HandoffIndex = api.HandoffIndex

// handoffRequestBody is the body of POST /api/v1/handoffs.
type handoffRequestBody struct {
	ID         *string `json:"id"`
	Supplier   string  `json:"supplier"`
	Customer   string  `json:"customer"`
	Kind       string  `json:"kind"`
	Title      string  `json:"title"`
	Details    string  `json:"details"`
	OccurredAt *string `json:"occurred_at"`
}

// members lists b's members for decodeScalarsFlat: an array, which the
// caller keeps on its stack, not a slice made per request.
func (b *handoffRequestBody) members() [7]flatMember {
	return [...]flatMember{{name: "id", optStr: &b.ID}, {name: "supplier", str: &b.Supplier},
		{name: "customer", str: &b.Customer}, {name: "kind", str: &b.Kind}, {name: "title", str: &b.Title},
		{name: "details", str: &b.Details}, {name: "occurred_at", optStr: &b.OccurredAt}}
}

func (s *Server) requestHandoff(c echo.Context) error {
	var body handoffRequestBody
	members := body.members()
	if err := decodeScalarsFlat(c, &body, members[:]); err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	id, err := chosenID(body.ID)
	if err != nil {
		return err
	}
	res, err := s.cfg.Service.RequestHandoff(c.Request().Context(), actorOf(c), meta(c), domain.RequestHandoff{
		ID: id, Supplier: body.Supplier, Customer: body.Customer, Kind: body.Kind, Title: body.Title, Details: body.Details, At: at})
	if err != nil {
		return err
	}
	status := http.StatusOK
	// A replayed retry of the call that created the hand-off answers as
	// that call did.
	if res.Created || res.Replayed && res.Handoff.Version == 1 {
		status = http.StatusCreated
	}
	return s.writeHandoff(c, status, &res, true)
}

// chosenID is the hand-off ID a request's id member chooses: "" (generate
// one) when absent or null, and 422 when given empty, as an occurred_at
// given as "" is never taken for "now".
func chosenID(id *string) (string, error) {
	if id == nil {
		return "", nil
	}
	if *id == "" {
		return "", &domain.ValidationError{Field: "id",
			Msg: `"" is not a hand-off ID (1 to 64 letters, digits, dashes and underscores); leave id out to have one generated`}
	}
	return *id, nil
}

// commandBody is the body of every hand-off command; command rejects the
// members the command's row of the lifecycle table does not list.
type commandBody struct {
	OccurredAt *string `json:"occurred_at"`
	Reason     *string `json:"reason"`
	Note       *string `json:"note"`
	Score      *int    `json:"score"`
	Comment    *string `json:"comment"`
}

// handoffCommand serves POST /api/v1/handoffs/:id/<route> for one row of
// the lifecycle table.
func (s *Server) handoffCommand(spec domain.CommandSpec) echo.HandlerFunc {
	return func(c echo.Context) error {
		var body commandBody
		members := body.members()
		if err := decodeScalarsFlat(c, &body, members[:]); err != nil {
			return err
		}
		cmd, err := body.command(spec)
		if err != nil {
			return err
		}
		res, err := s.cfg.Service.Execute(c.Request().Context(), actorOf(c), meta(c), c.Param("id"), cmd)
		if err != nil {
			return err
		}
		return s.writeHandoff(c, http.StatusOK, &res, false)
	}
}

// members lists b's members for decodeScalarsFlat, as an array (see
// handoffRequestBody.members).
func (b *commandBody) members() [5]flatMember {
	return [...]flatMember{{name: "occurred_at", optStr: &b.OccurredAt}, {name: "reason", optStr: &b.Reason},
		{name: "note", optStr: &b.Note}, {name: "score", optInt: &b.Score}, {name: "comment", optStr: &b.Comment}}
}

func (b commandBody) command(spec domain.CommandSpec) (domain.HandoffCommand, error) {
	at, err := parseTime("occurred_at", b.OccurredAt)
	if err != nil {
		return domain.HandoffCommand{}, err
	}
	cmd := domain.HandoffCommand{Name: spec.Name, At: at}
	for _, m := range [...]struct {
		field domain.Field
		set   bool
	}{
		{domain.FieldReason, b.Reason != nil},
		{domain.FieldNote, b.Note != nil},
		{domain.FieldScore, b.Score != nil},
		{domain.FieldComment, b.Comment != nil},
	} {
		if m.set && !spec.Takes(m.field) {
			takes := []string{"occurred_at"}
			for _, f := range spec.Fields {
				takes = append(takes, string(f))
			}
			return domain.HandoffCommand{}, badRequest(string(m.field), "unknown field %q: %s takes %v", m.field, spec.RouteName(), takes)
		}
	}
	if b.Reason != nil {
		cmd.Reason = *b.Reason
	}
	if b.Note != nil {
		cmd.Note = *b.Note
	}
	if b.Score != nil {
		cmd.Score = *b.Score
	}
	if b.Comment != nil {
		cmd.Comment = *b.Comment
	}
	return cmd, nil
}

func (s *Server) getHandoff(c echo.Context) error {
	var asOf time.Time
	if v := c.QueryParam("as_of"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return badRequest("as_of", "as_of must be an RFC 3339 time, got %q", v)
		}
		if latest := s.cfg.Now().Add(domain.MaxSkew); t.Before(domain.MinTime) || t.After(latest) {
			return &domain.ValidationError{Field: "as_of", Msg: fmt.Sprintf("%s is not between %s and now plus %s",
				v, domain.MinTime.Format(time.RFC3339), domain.MaxSkew)}
		}
		asOf = t
	}
	v, err := s.cfg.Service.Handoff(c.Request().Context(), actorOf(c), c.Param("id"), asOf)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewOf(v))
}

func (s *Server) listHandoffs(c echo.Context) error {
	limit, err := queryInt(c, "limit", 0, 1, handoffindex.MaxLimit)
	if err != nil {
		return err
	}
	f := handoffindex.Filter{Supplier: c.QueryParam("supplier"), Customer: c.QueryParam("customer"),
		State: domain.State(c.QueryParam("state")), Limit: limit, Cursor: c.QueryParam("cursor")}
	if f.State != "" && !slices.Contains(domain.States, f.State) {
		return badRequest("state", "state must be one of %v, got %q", domain.States, f.State)
	}
	// A value no department ID can be would list nothing, silently.
	for _, m := range [...]struct{ name, id string }{{"supplier", f.Supplier}, {"customer", f.Customer}} {
		if m.id != "" && !domain.ValidSlug(m.id) {
			return badRequest(m.name, "%s must be a department ID (1 to 64 lower-case letters, digits and dashes), got %q", m.name, m.id)
		}
	}
	page, next, err := api.ListHandoffs(s.cfg.Handoffs, actorOf(c), f)
	if errors.Is(err, handoffindex.ErrBadCursor) {
		return badRequest("cursor", "cursor is not one this list gave out")
	}
	if err != nil {
		return err
	}
	// The read model's own type is the JSON: a summary never carries a
	// rating or a comment.
	return c.JSON(http.StatusOK, listJSON{Handoffs: page, NextCursor: next})
}

type listJSON struct {
	Handoffs   []handoffindex.Summary `json:"handoffs"`
	NextCursor string                 `json:"next_cursor,omitempty"`
}
