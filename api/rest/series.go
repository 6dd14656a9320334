package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/projections/pairstats"
)

// seriesJSON is the answer of the series endpoints.
type seriesJSON struct {
	windowJSON
	Step    pairstats.Step           `json:"step"`
	Buckets []pairstats.SeriesBucket `json:"buckets"`
}

// seriesQuery parses ?from=&to=&step= (step default week).
func (s *Server) seriesQuery(c echo.Context) (pairstats.Window, pairstats.Step, error) {
	w, err := s.window(c)
	if err != nil {
		return pairstats.Window{}, "", err
	}
	step, err := pairstats.ParseStep(c.QueryParam("step"))
	return w, step, err
}

func (s *Server) getPairSeries(c echo.Context) error {
	w, step, err := s.seriesQuery(c)
	if err != nil {
		return err
	}
	sup, cus := c.Param("supplier"), c.Param("customer")
	if err := s.known(sup, cus); err != nil {
		return err
	}
	bs, err := s.cfg.Figures.PairSeries(sup, cus, w, step)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, seriesJSON{windowOf(w), step, nonNil(bs)})
}

func (s *Server) getDepartmentSeries(c echo.Context) error {
	w, step, err := s.seriesQuery(c)
	if err != nil {
		return err
	}
	side := pairstats.Side(c.QueryParam("side"))
	switch side {
	case "":
		side = pairstats.SideSupplier
	case pairstats.SideSupplier, pairstats.SideCustomer:
	default:
		return badRequest("side", "side must be supplier or customer, got %q", c.QueryParam("side"))
	}
	id := c.Param("id")
	if err := s.known(id); err != nil {
		return err
	}
	bs, err := s.cfg.Figures.DepartmentSeries(id, side, w, step)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Department string         `json:"department"`
		Side       pairstats.Side `json:"side"`
		seriesJSON
	}{id, side, seriesJSON{windowOf(w), step, nonNil(bs)}})
}

func (s *Server) listBrightSpots(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", defaultHotspots, 1, maxHotspots)
	if err != nil {
		return err
	}
	minVolume, err := queryInt(c, "min_volume", s.cfg.Policy.MinVolume, 0, 1<<30)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		windowJSON
		pairstats.BrightSpots
	}{windowOf(w), s.cfg.Figures.BrightSpots(w, minVolume, limit)})
}
