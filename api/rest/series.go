package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/projections/pairstats"
)

// seriesQuery parses ?from=&to=&step= (step default week).
func (s *Server) seriesQuery(c echo.Context) (pairstats.Window, pairstats.Step, error) {
	step, err := pairstats.ParseStep(c.QueryParam("step"))
	if err != nil {
		return pairstats.Window{}, "", err
	}
	if err := pairstats.CheckSeriesSpan(c.QueryParam("from"), c.QueryParam("to"), step); err != nil {
		return pairstats.Window{}, "", err
	}
	w, err := s.window(c)
	return w, step, err
}

func (s *Server) getPairSeries(c echo.Context) error {
	w, step, err := s.seriesQuery(c)
	if err != nil {
		return err
	}
	sup, cus := c.Param("supplier"), c.Param("customer")
	if err := s.knownPair(sup, cus); err != nil {
		return err
	}
	bs, err := s.cfg.Figures.PairSeries(sup, cus, w, step)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, nonNil(bs))
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
	return c.JSON(http.StatusOK, nonNil(bs))
}

func (s *Server) listBrightSpots(c echo.Context) error {
	w, minVolume, limit, err := s.ranking(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		windowJSON
		pairstats.BrightSpots
	}{windowOf(w), s.cfg.Figures.BrightSpots(w, minVolume, limit)})
}
