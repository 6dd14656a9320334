package rest

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// rangeJSON is the business-time range of the hand-off history: first and
// last are null while there is none. Window is the whole days covering it
// in the policy's time zone (to exclusive), ready for ?from=&to=.
type rangeJSON struct {
	First  *time.Time  `json:"first"`
	Last   *time.Time  `json:"last"`
	Window *windowJSON `json:"window"`
}

// getRange answers GET /api/v1/range: where the figures have history, so a
// client can find a log that lies outside its default window.
func (s *Server) getRange(c echo.Context) error {
	sp := s.cfg.Figures.Span()
	if sp.Empty {
		return c.JSON(http.StatusOK, rangeJSON{})
	}
	first, last := sp.First.UTC(), sp.Last.UTC()
	w := windowOf(sp.Window)
	return c.JSON(http.StatusOK, rangeJSON{First: &first, Last: &last, Window: &w})
}
