package rest

import (
	"context"
	"errors"
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

// HandoffIndex is the read model behind the list of hand-offs.
type HandoffIndex interface {
	// List returns one page of the hand-offs that match f, newest first,
	// and the cursor of the next page ("" on the last).
	List(f handoffindex.Filter) ([]handoffindex.Summary, string, error)
}

var _ HandoffIndex = (*handoffindex.Index)(nil)

func (s *Server) requestHandoff(c echo.Context) error {
	var body struct {
		ID         string  `json:"id"`
		Supplier   string  `json:"supplier"`
		Customer   string  `json:"customer"`
		Kind       string  `json:"kind"`
		Title      string  `json:"title"`
		OccurredAt *string `json:"occurred_at"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	a := actorOf(c)
	res, err := s.cfg.Service.RequestHandoff(c.Request().Context(), a, meta(c), domain.RequestHandoff{
		ID: body.ID, Supplier: body.Supplier, Customer: body.Customer, Kind: body.Kind, Title: body.Title, At: at})
	if err != nil {
		return err
	}
	status := http.StatusOK
	// A replayed retry of the call that created the hand-off answers as
	// that call did.
	if res.Created || res.Replayed && res.Handoff.Version == 1 {
		status = http.StatusCreated
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/handoffs/"+res.Handoff.ID)
	return written(c, status, res.Position, s.handoffOf(a, res))
}

// commandNames lists the hand-off commands served at
// POST /api/v1/handoffs/:id/<name>.
var commandNames = []string{"accept", "pause", "resume", "deliver", "return", "escalate", "cancel", "rating"}

// commandBody is the body of every hand-off command; decodeCommand rejects
// the members a command does not take.
type commandBody struct {
	OccurredAt *string `json:"occurred_at"`
	Reason     *string `json:"reason"`
	Note       *string `json:"note"`
	Score      *int    `json:"score"`
	Comment    *string `json:"comment"`
}

func (s *Server) handoffCommand(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var body commandBody
		if err := decode(c, &body); err != nil {
			return err
		}
		cmd, err := body.command(name)
		if err != nil {
			return err
		}
		a := actorOf(c)
		res, err := s.cfg.Service.Execute(c.Request().Context(), a, meta(c), c.Param("id"), cmd)
		if err != nil {
			return err
		}
		return written(c, http.StatusOK, res.Position, s.handoffOf(a, res))
	}
}

func (b commandBody) command(name string) (domain.HandoffCommand, error) {
	at, err := parseTime("occurred_at", b.OccurredAt)
	if err != nil {
		return nil, err
	}
	takes := map[string][]string{
		"pause": {"reason"}, "return": {"reason"}, "escalate": {"reason"}, "cancel": {"reason"},
		"deliver": {"note"}, "rating": {"score", "comment"},
	}[name]
	for field, set := range map[string]bool{"reason": b.Reason != nil, "note": b.Note != nil,
		"score": b.Score != nil, "comment": b.Comment != nil} {
		if set && !slices.Contains(takes, field) {
			return nil, badRequest(field, "unknown field %q: %s takes %v", field, name, append([]string{"occurred_at"}, takes...))
		}
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch name {
	case "accept":
		return domain.Accept{At: at}, nil
	case "pause":
		return domain.Pause{Reason: str(b.Reason), At: at}, nil
	case "resume":
		return domain.Resume{At: at}, nil
	case "deliver":
		return domain.Deliver{Note: str(b.Note), At: at}, nil
	case "return":
		return domain.Return{Reason: str(b.Reason), At: at}, nil
	case "escalate":
		return domain.Escalate{Reason: str(b.Reason), At: at}, nil
	case "cancel":
		return domain.Cancel{Reason: str(b.Reason), At: at}, nil
	case "rating":
		score := 0
		if b.Score != nil {
			score = *b.Score
		}
		return domain.Rate{Score: score, Comment: str(b.Comment), At: at}, nil
	}
	return nil, errors.New("unknown hand-off command " + name)
}

func (s *Server) getHandoff(c echo.Context) error {
	var asOf time.Time
	if v := c.QueryParam("as_of"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return badRequest("as_of", "as_of must be an RFC 3339 time, got %q", v)
		}
		asOf = t
	}
	a := actorOf(c)
	v, err := s.cfg.Service.Handoff(c.Request().Context(), a, c.Param("id"), asOf)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewOf(a, v))
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
	if a := actorOf(c); !a.IsAdmin() {
		f.Involving = a.Department
	}
	page, next, err := s.cfg.Handoffs.List(f)
	if errors.Is(err, handoffindex.ErrBadCursor) {
		return badRequest("cursor", "cursor is not one this list gave out")
	}
	if err != nil {
		return err
	}
	out := make([]summaryJSON, len(page))
	for i, h := range page {
		// Field by field: a summary never shows ratings or comments.
		out[i] = summaryJSON{ID: h.ID, Supplier: h.Supplier, Customer: h.Customer, Kind: h.Kind, Title: h.Title,
			State: h.State, Deliveries: h.Deliveries, Returns: h.Returns, Escalations: h.Escalations,
			RequestedAt: h.RequestedAt.UTC(), UpdatedAt: h.UpdatedAt.UTC(), Position: h.Position}
	}
	return c.JSON(http.StatusOK, listJSON{Handoffs: out, NextCursor: next})
}

type listJSON struct {
	Handoffs   []summaryJSON `json:"handoffs"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

type summaryJSON struct {
	ID          string       `json:"id"`
	Supplier    string       `json:"supplier"`
	Customer    string       `json:"customer"`
	Kind        string       `json:"kind"`
	Title       string       `json:"title"`
	State       domain.State `json:"state"`
	Deliveries  int          `json:"deliveries"`
	Returns     int          `json:"returns"`
	Escalations int          `json:"escalations"`
	RequestedAt time.Time    `json:"requested_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Position    uint64       `json:"position"`
}
