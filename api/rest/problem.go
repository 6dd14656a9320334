package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Field names the request field at fault: a JSON member, a query
	// parameter or a header.
	Field string `json:"field,omitempty"`
	// Line is the line at fault of an uploaded file (an iCalendar import).
	Line int `json:"line,omitempty"`
}

// Problem types: "urn:cadena:problem:" and a slug.
const problemPrefix = "urn:cadena:problem:"

// slugCannotWrite is the problem of a write the event store could not
// make durable; retryCannotWrite is its Retry-After, in seconds: a full
// disk is not freed in a second.
const (
	slugCannotWrite  = "store-unavailable"
	retryCannotWrite = "10"
)

// statusClientClosed is logged for a request whose client went away.
const statusClientClosed = 499

// requestError is an error the API itself finds with a request, before or
// instead of calling the service.
type requestError struct {
	status int
	slug   string
	field  string
	detail string
	line   int
	// retryAfter, when set, is the Retry-After header of the answer.
	retryAfter string
}

func (e *requestError) Error() string { return e.detail }

func badRequest(field, format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, slug: "bad-request", field: field, detail: fmt.Sprintf(format, args...)}
}

var (
	errUnauthenticated = &requestError{status: http.StatusUnauthorized, slug: "unauthenticated",
		detail: "a bearer token is required: Authorization: Bearer <token>"}
	errUnknownToken = &requestError{status: http.StatusUnauthorized, slug: "unauthenticated",
		detail: "the bearer token is not known"}
	errBodyTimeout = &requestError{status: http.StatusRequestTimeout, slug: "timeout",
		detail: "the request body did not arrive within the server's read timeout"}
	errNotReady = &requestError{status: http.StatusServiceUnavailable, slug: "not-ready",
		detail: "the read models have not caught up with the event log yet"}
	errCannotWrite = &requestError{status: http.StatusServiceUnavailable, slug: slugCannotWrite,
		detail: "the event store cannot write or be reached (the disk may be full or failing, or the database cannot be reached): writes answer 503 until it can; reads go on"}
)

// problemFor maps an error to its problem: the one place where error kinds
// become HTTP statuses. The boolean is true for errors that are the
// server's fault (500), whose cause must be logged and not shown.
func problemFor(err error) (problem, bool) {
	p := func(status int, slug, detail string) problem {
		return problem{Type: problemPrefix + slug, Title: http.StatusText(status), Status: status, Detail: detail}
	}
	var (
		re     *requestError
		ve     *domain.ValidationError
		he     *echo.HTTPError
		tooBig *http.MaxBytesError
		window *pairstats.WindowError
		nf     *domain.NotFoundError
	)
	switch {
	case errors.As(err, &re):
		pr := p(re.status, re.slug, re.detail)
		pr.Field, pr.Line = re.field, re.line
		return pr, false
	case errors.As(err, &window):
		// The parameter and why, as the 422s of a window put it: "bad
		// window" would be wrong for a step.
		pr := p(http.StatusBadRequest, "bad-request", window.Field+": "+window.Reason)
		pr.Field = window.Field
		return pr, false
	case errors.As(err, &tooBig):
		return p(http.StatusRequestEntityTooLarge, "too-large",
			fmt.Sprintf("the request body is over %d bytes", tooBig.Limit)), false
	case errors.Is(err, api.ErrForbidden):
		return p(http.StatusForbidden, "forbidden", err.Error()), false
	case errors.As(err, &ve):
		pr := p(http.StatusUnprocessableEntity, "invalid", err.Error())
		pr.Field = ve.Field
		return pr, false
	case errors.Is(err, domain.ErrInvalid):
		return p(http.StatusUnprocessableEntity, "invalid", err.Error()), false
	case errors.As(err, &nf):
		pr := p(http.StatusNotFound, "not-found", err.Error())
		pr.Field = nf.Field
		return pr, false
	case errors.Is(err, domain.ErrNotFound):
		return p(http.StatusNotFound, "not-found", err.Error()), false
	case errors.Is(err, domain.ErrTransition):
		return p(http.StatusConflict, "transition", err.Error()), false
	case errors.Is(err, domain.ErrConflict):
		return p(http.StatusConflict, "conflict", err.Error()), false
	case errors.Is(err, eventstore.ErrUnavailable):
		// The cause (a full disk, a failed sync, a database that cannot be
		// reached) is the operator's business: it is logged, not shown.
		return p(http.StatusServiceUnavailable, slugCannotWrite,
			"the event store cannot write or be reached now (the disk may be full or failing, or its database down); nothing was acknowledged: retry later, with the same Idempotency-Key to make a write's retry safe"), false
	case errors.Is(err, eventstore.ErrWrongVersion):
		return p(http.StatusConflict, "concurrent-update",
			"the resource kept changing while the request was decided; retry it"), false
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return p(he.Code, "not-found", "no such route"), false
		case http.StatusMethodNotAllowed:
			return p(he.Code, "method-not-allowed", "the route does not take this method"), false
		case http.StatusRequestEntityTooLarge:
			return p(he.Code, "too-large", fmt.Sprintf("the request body is over %d bytes", maxBody)), false
		}
		if he.Code >= 400 && he.Code < 500 {
			return p(he.Code, "bad-request", http.StatusText(he.Code)), false
		}
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer, but the log and
		// the metrics tell it apart from a failure.
		pr := p(statusClientClosed, "cancelled", "the request was cancelled")
		pr.Title = "Client Closed Request"
		return pr, false
	}
	return p(http.StatusInternalServerError, "internal", "the server failed; the request ID is in the logs"), true
}

// writeError writes err as a problem; it is also Echo's error handler.
func (s *Server) writeError(err error, c echo.Context) {
	pr, internal := problemFor(err)
	if internal || pr.Type == problemPrefix+slugCannotWrite {
		c.Set(keyError, err) // logged with the request's line
	}
	if c.Response().Committed {
		return
	}
	h := c.Response().Header()
	if re := (*requestError)(nil); errors.As(err, &re) && re.retryAfter != "" {
		h.Set("Retry-After", re.retryAfter)
	}
	switch pr.Status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="cadena"`)
	case http.StatusServiceUnavailable:
		retry := "1"
		if pr.Type == problemPrefix+slugCannotWrite {
			retry = retryCannotWrite
		}
		h.Set("Retry-After", retry)
	}
	h.Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(pr.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	enc := json.NewEncoder(c.Response())
	if indented(c) {
		enc.SetIndent("", "  ") // as Echo's c.JSON indents the other answers
	}
	_ = enc.Encode(pr)
}
