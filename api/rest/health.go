package rest

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
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

func (s *Server) readyz(c echo.Context) error {
	if s.cfg.Progress != nil && !s.cfg.Progress.CaughtUp() {
		return errNotReady
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) metrics(c echo.Context) error {
	if s.cfg.MetricsHandler == nil {
		return echo.ErrNotFound
	}
	s.cfg.MetricsHandler.ServeHTTP(c.Response(), c.Request())
	return nil
}
