package rest

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/eventstore"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3.0 document of the API.
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

func serveOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPI)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "up"})
}

// readyChecker is a Progress that can also tell why the server is not
// ready: an error wrapping eventstore.ErrUnavailable when the event store
// cannot write.
type readyChecker interface {
	Ready(ctx context.Context) error
}

func (s *Server) readyz(c echo.Context) error {
	if rc, ok := s.cfg.Progress.(readyChecker); ok {
		if err := rc.Ready(c.Request().Context()); err != nil {
			c.Set(keyError, err) // the cause is logged, not shown
			if errors.Is(err, eventstore.ErrUnavailable) {
				return errCannotWrite
			}
			return errNotReady
		}
	} else if s.cfg.Progress != nil && !s.cfg.Progress.CaughtUp() {
		return errNotReady
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) metrics(c echo.Context) error {
	if s.cfg.MetricsHandler == nil {
		return echo.ErrNotFound
	}
	if want := s.cfg.MetricsToken; want != "" {
		scheme, got, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return errUnauthenticated
		}
		if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			return errUnknownToken
		}
	}
	s.cfg.MetricsHandler.ServeHTTP(c.Response(), c.Request())
	return nil
}
