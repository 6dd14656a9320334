package rest

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// Figures are the pair figures over a window of whole days; satisfied by
// *pairstats.Model. Every role may read them: they are aggregates, and
// satisfaction stays hidden below the policy's anonymity minimum.
type Figures interface {
	ParseWindow(from, to string, now time.Time) (pairstats.Window, error)
	Pairs(w pairstats.Window) []pairstats.Figures
	Pair(supplier, customer string, w pairstats.Window) pairstats.Figures
	Hotspots(w pairstats.Window, minVolume, limit int) []pairstats.Figures
	Scorecard(department string, w pairstats.Window) pairstats.Scorecard
	Chain(w pairstats.Window) pairstats.Chain
	PairSeries(supplier, customer string, w pairstats.Window, step pairstats.Step) ([]pairstats.SeriesBucket, error)
	DepartmentSeries(department string, side pairstats.Side, w pairstats.Window, step pairstats.Step) ([]pairstats.SeriesBucket, error)
	BrightSpots(w pairstats.Window, minVolume, limit int) pairstats.BrightSpots
	Span() pairstats.Span
}

var _ Figures = (*pairstats.Model)(nil)

// Hotspot limits.
const (
	defaultHotspots = 10
	maxHotspots     = 100
)

// ranking parses what a ranking of pairs (hot spots, bright spots) asks
// for: the window, ?limit= (how many pairs at most) and ?min_volume= (the
// fewest hand-offs a pair needs to be ranked; the policy's minimum by
// default).
func (s *Server) ranking(c echo.Context) (w pairstats.Window, minVolume, limit int, err error) {
	if w, err = s.window(c); err != nil {
		return w, 0, 0, err
	}
	if limit, err = queryInt(c, "limit", defaultHotspots, 1, maxHotspots); err != nil {
		return w, 0, 0, err
	}
	minVolume, err = queryInt(c, "min_volume", s.cfg.Policy.MinVolume, 0, 1<<30)
	return w, minVolume, limit, err
}

// window parses ?from=&to= (dates, to exclusive; defaults: the last 30
// days up to today).
func (s *Server) window(c echo.Context) (pairstats.Window, error) {
	now := s.cfg.Now()
	for _, field := range []string{"from", "to"} {
		if err := checkDay(field, c.QueryParam(field), now.In(s.cfg.Policy.Location)); err != nil {
			return pairstats.Window{}, err
		}
	}
	return s.cfg.Figures.ParseWindow(c.QueryParam("from"), c.QueryParam("to"), now)
}

// maxDaysAhead is how far after today a window's from or to may lie.
const maxDaysAhead = 366

// checkDay bounds a window date to the range of business times: from
// 1970-01-01 (domain.MinTime) to maxDaysAhead days after today, today being
// now's date in now's location (the policy's time zone). Absent and
// malformed dates are left to ParseWindow.
func checkDay(field, v string, now time.Time) error {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil
	}
	y, m, day := now.Date()
	latest := time.Date(y, m, day+maxDaysAhead, 0, 0, 0, 0, time.UTC)
	if d.Before(domain.MinTime) || d.After(latest) {
		return &domain.ValidationError{Field: field, Msg: fmt.Sprintf("%s is not between %s and %s",
			v, domain.MinTime.Format(time.DateOnly), latest.Format(time.DateOnly))}
	}
	return nil
}

type windowJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func windowOf(w pairstats.Window) windowJSON {
	return windowJSON{From: w.From.Format(time.DateOnly), To: w.To.Format(time.DateOnly)}
}

func (s *Server) listPairs(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	if done, err := s.writePairs(c, w); done {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		windowJSON
		Pairs []pairstats.Figures `json:"pairs"`
	}{windowOf(w), nonNil(s.cfg.Figures.Pairs(w))})
}

func (s *Server) getPair(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	sup, cus := c.Param("supplier"), c.Param("customer")
	if err := s.knownPair(sup, cus); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.cfg.Figures.Pair(sup, cus, w))
}

func (s *Server) listHotspots(c echo.Context) error {
	w, minVolume, limit, err := s.ranking(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		windowJSON
		Hotspots []pairstats.Figures `json:"hotspots"`
	}{windowOf(w), nonNil(s.cfg.Figures.Hotspots(w, minVolume, limit))})
}

func (s *Server) getScorecard(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if err := s.known(id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.cfg.Figures.Scorecard(id, w))
}

func (s *Server) getChain(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	if done, err := s.writeChain(c, w); done {
		return err
	}
	return c.JSON(http.StatusOK, s.cfg.Figures.Chain(w))
}

// known checks that the catalog holds the department id.
func (s *Server) known(id string) error {
	if !s.registered(id) {
		return fmt.Errorf("department %q: %w", id, domain.ErrNotFound)
	}
	return nil
}

// knownPair checks that the catalog holds both departments of a pair; the
// 404 names the one at fault as the path does, supplier first, as the
// writes on a pair name it.
func (s *Server) knownPair(supplier, customer string) error {
	if !s.registered(supplier) {
		return &domain.NotFoundError{Field: "supplier", What: "department", ID: supplier}
	}
	if !s.registered(customer) {
		return &domain.NotFoundError{Field: "customer", What: "department", ID: customer}
	}
	return nil
}

func (s *Server) registered(id string) bool {
	return slices.ContainsFunc(s.cfg.Catalog.Departments(), func(d catalog.Department) bool { return d.ID == id })
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
