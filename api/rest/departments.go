package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/catalog"
)

// DepartmentService runs the department commands.
type DepartmentService interface {
	PutDepartment(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RegisterDepartment) (api.DepartmentResult, error)
	RetireDepartment(ctx context.Context, a api.Actor, m api.Meta, cmd domain.RetireDepartment) (api.DepartmentResult, error)
	Department(ctx context.Context, id string) (domain.Department, error)
	DepartmentSince(ctx context.Context, id string) (domain.Department, time.Time, error)
}

// Catalog is the read model of departments and agreements.
type Catalog interface {
	Departments() []catalog.Department
	Agreements() []catalog.Agreement
	CalendarCatalog
}

var _ Catalog = (*catalog.Catalog)(nil)

type departmentJSON struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Retired      bool       `json:"retired"`
	RegisteredAt *time.Time `json:"registered_at,omitempty"`
	Position     uint64     `json:"position,omitempty"`
}

func (s *Server) putDepartment(c echo.Context) error {
	var body struct {
		Name       string  `json:"name"`
		OccurredAt *string `json:"occurred_at"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	res, err := s.cfg.Service.PutDepartment(c.Request().Context(), actorOf(c), meta(c),
		domain.RegisterDepartment{ID: c.Param("id"), Name: body.Name, At: at})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	return written(c, status, res.Position, s.withRegisteredAt(c, departmentOf(res.Department, res.Position), res.Department))
}

func (s *Server) retireDepartment(c echo.Context) error {
	var body struct {
		OccurredAt *string `json:"occurred_at"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	res, err := s.cfg.Service.RetireDepartment(c.Request().Context(), actorOf(c), meta(c),
		domain.RetireDepartment{ID: c.Param("id"), At: at})
	if err != nil {
		return err
	}
	return written(c, http.StatusOK, res.Position, s.withRegisteredAt(c, departmentOf(res.Department, res.Position), res.Department))
}

func (s *Server) getDepartment(c echo.Context) error {
	d, at, err := s.cfg.Service.DepartmentSince(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	out := departmentOf(d, 0)
	out.RegisteredAt = timePtr(at)
	return c.JSON(http.StatusOK, out)
}

func (s *Server) listDepartments(c echo.Context) error {
	ds := s.cfg.Catalog.Departments()
	out := make([]departmentJSON, len(ds))
	for i, d := range ds {
		out[i] = departmentJSON{ID: d.ID, Name: d.Name, Retired: d.Retired, RegisteredAt: timePtr(d.RegisteredAt)}
	}
	return c.JSON(http.StatusOK, map[string]any{"departments": out})
}

func departmentOf(d domain.Department, position uint64) departmentJSON {
	return departmentJSON{ID: d.ID, Name: d.Name, Retired: d.Retired, Position: position}
}

// withRegisteredAt adds the registration time to a write's answer: for a
// department just registered the time of its only event, else the time
// the log holds, so that every answer about a department carries it as
// the list does.
func (s *Server) withRegisteredAt(c echo.Context, out departmentJSON, d domain.Department) departmentJSON {
	if d.Version == 1 {
		out.RegisteredAt = timePtr(d.LastAt)
		return out
	}
	if _, at, err := s.cfg.Service.DepartmentSince(c.Request().Context(), d.ID); err == nil {
		out.RegisteredAt = timePtr(at)
	}
	return out
}

// timePtr returns nil for the zero time, so that it is left out.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
