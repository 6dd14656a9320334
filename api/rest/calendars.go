package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/ical"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/catalog"
)

// CalendarService runs the calendar commands and reads one calendar.
type CalendarService interface {
	PutCalendar(ctx context.Context, a api.Actor, m api.Meta, cmd domain.SetCalendar) (api.CalendarResult, error)
	AddHolidays(ctx context.Context, a api.Actor, m api.Meta, cmd domain.AddHolidays) (api.CalendarResult, error)
	Calendar(ctx context.Context, id string) (domain.CalendarState, error)
}

// CalendarCatalog lists the calendars; part of Catalog.
type CalendarCatalog interface {
	Calendars() []catalog.Calendar
}

// mimeCalendar is the media type of an iCalendar file.
const mimeCalendar = "text/calendar"

type calendarJSON struct {
	ID         string                     `json:"id"`
	Name       string                     `json:"name"`
	TimeZone   string                     `json:"time_zone"`
	Week       domain.Week                `json:"week"`
	Exceptions []domain.CalendarException `json:"exceptions"`
	Version    uint64                     `json:"version"`
	UpdatedAt  time.Time                  `json:"updated_at"`
	Position   uint64                     `json:"position,omitempty"`
	// Added is how many holidays an import added; only in its answer.
	Added *int `json:"added,omitempty"`
}

func calendarOf(id string, spec domain.CalendarSpec, version uint64, at time.Time) calendarJSON {
	ex := spec.Exceptions
	if ex == nil {
		ex = []domain.CalendarException{}
	}
	return calendarJSON{ID: id, Name: spec.Name, TimeZone: spec.TimeZone, Week: spec.Week, Exceptions: ex,
		Version: version, UpdatedAt: at.UTC()}
}

func (s *Server) calendarRoutes(v1 *echo.Group, read []echo.MiddlewareFunc) {
	get(v1, "/calendars", s.listCalendars, read...)
	get(v1, "/calendars/:id", s.getCalendar, read...)
	v1.PUT("/calendars/:id", s.putCalendar, s.authenticate, calendarAdmin, s.guardWrite)
	v1.POST("/calendars/:id/holidays", s.importHolidays, s.authenticate, calendarAdmin, s.guardCalendarFile, strictQuery)
}

// calendarAdmin lets through only those the application layer lets
// manage calendars, before the body is read (the use cases decide it too).
func calendarAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := actorOf(c).MayManageCalendars(); err != nil {
			return err
		}
		return next(c)
	}
}

func (s *Server) putCalendar(c echo.Context) error {
	var body struct {
		Name       string                     `json:"name"`
		TimeZone   string                     `json:"time_zone"`
		Week       domain.Week                `json:"week"`
		Exceptions []domain.CalendarException `json:"exceptions"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	spec := domain.CalendarSpec{Name: body.Name, TimeZone: body.TimeZone, Week: body.Week, Exceptions: body.Exceptions}
	res, err := s.cfg.Service.PutCalendar(c.Request().Context(), actorOf(c), meta(c),
		domain.SetCalendar{ID: c.Param("id"), Spec: spec})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	out := calendarOf(res.Calendar.ID, res.Calendar.Spec, res.Calendar.Version, res.Calendar.LastAt)
	out.Position = res.Position
	return written(c, status, res.Position, out)
}

// guardCalendarFile checks an iCalendar upload as guardWrite checks JSON.
func (s *Server) guardCalendarFile(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ct := r.Header.Get(echo.HeaderContentType)
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != mimeCalendar {
			return &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
				field: "Content-Type", detail: fmt.Sprintf("the body must be %s (an iCalendar file), not %q", mimeCalendar, ct)}
		}
		if r.ContentLength > maxBody {
			return &http.MaxBytesError{Limit: maxBody}
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		if vals, ok := r.Header[headerIdempotencyKey]; ok && (len(vals) != 1 || !printableASCII(vals[0], 200)) {
			return badRequest(headerIdempotencyKey, "an idempotency key is 1 to 200 printable ASCII characters")
		}
		return next(c)
	}
}

func (s *Server) importHolidays(c echo.Context) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	holidays, err := ical.Holidays(data, s.cfg.Now())
	var le *ical.LineError
	if errors.As(err, &le) {
		detail := "iCalendar " + le.Error() // "iCalendar line 6, in the event ...: ..."
		if le.Line == 0 {
			detail = "iCalendar file refused: " + le.Error() // the file as a whole, such as an empty one
		}
		return &requestError{status: http.StatusUnprocessableEntity, slug: "invalid", field: "body",
			detail: detail, line: le.Line}
	}
	if err != nil {
		return err
	}
	res, err := s.cfg.Service.AddHolidays(c.Request().Context(), actorOf(c), meta(c),
		domain.AddHolidays{ID: c.Param("id"), Holidays: holidays})
	if err != nil {
		return err
	}
	out := calendarOf(res.Calendar.ID, res.Calendar.Spec, res.Calendar.Version, res.Calendar.LastAt)
	out.Position, out.Added = res.Position, &res.Added
	return written(c, http.StatusOK, res.Position, out)
}

func (s *Server) getCalendar(c echo.Context) error {
	cal, err := s.cfg.Service.Calendar(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, calendarOf(cal.ID, cal.Spec, cal.Version, cal.LastAt))
}

func (s *Server) listCalendars(c echo.Context) error {
	cals := s.cfg.Catalog.Calendars()
	out := make([]calendarJSON, len(cals))
	for i, cal := range cals {
		out[i] = calendarOf(cal.ID, cal.Spec, cal.Version, cal.UpdatedAt)
	}
	return c.JSON(http.StatusOK, map[string]any{"calendars": out})
}

// dueOf returns the deadlines of a hand-off as a command left it; nil
// when there is none.
func dueOf(h domain.Handoff, cal domain.DeadlineCalendar, vals *handoffValues) (due, respondDue *time.Time) {
	if t, ok := h.ResolveDueAt(cal); ok {
		due = timeIn(&vals.due, t)
	}
	if t, ok := h.RespondDueAt(cal); ok {
		respondDue = timeIn(&vals.respondDue, t)
	}
	return due, respondDue
}
