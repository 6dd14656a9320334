package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/recognitions"
)

// RecognitionService records recognitions; *api.Service satisfies it.
type RecognitionService interface {
	Recognise(ctx context.Context, a api.Actor, m api.Meta, cmd domain.Recognise) (api.RecognitionResult, error)
}

// Recognitions lists recognitions; *recognitions.Model satisfies it. Every
// role may read them: thanks are meant to be seen.
type Recognitions interface {
	ForPair(supplier, customer string, from, to time.Time, limit int) []recognitions.Recognition
	ForSupplier(supplier string, from, to time.Time, limit int) []recognitions.Recognition
}

var _ Recognitions = (*recognitions.Model)(nil)

// Recognition list limits.
const (
	defaultRecognitions = 50
	maxRecognitions     = 500
)

func (s *Server) recognise(c echo.Context) error {
	var body struct {
		Message    string  `json:"message"`
		OccurredAt *string `json:"occurred_at"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	cmd := domain.Recognise{Supplier: c.Param("supplier"), Customer: c.Param("customer"), Message: body.Message, At: at}
	res, err := s.cfg.Service.Recognise(c.Request().Context(), actorOf(c), meta(c), cmd)
	if err != nil {
		return err
	}
	r := res.Recognition
	return written(c, http.StatusCreated, res.Position, recognitions.Recognition{From: r.From, To: r.To,
		Message: r.Message, Author: r.Author, OccurredAt: r.At, Position: res.Position})
}

type recognitionsJSON struct {
	windowJSON
	Recognitions []recognitions.Recognition `json:"recognitions"`
}

func (s *Server) listPairRecognitions(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", defaultRecognitions, 1, maxRecognitions)
	if err != nil {
		return err
	}
	sup, cus := c.Param("supplier"), c.Param("customer")
	if err := s.knownPair(sup, cus); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, recognitionsJSON{windowOf(w), nonNil(s.cfg.Recognitions.ForPair(sup, cus, w.From, w.To, limit))})
}

func (s *Server) listDepartmentRecognitions(c echo.Context) error {
	w, err := s.window(c)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", defaultRecognitions, 1, maxRecognitions)
	if err != nil {
		return err
	}
	id := c.Param("id")
	if err := s.known(id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Department string `json:"department"`
		recognitionsJSON
	}{id, recognitionsJSON{windowOf(w), nonNil(s.cfg.Recognitions.ForSupplier(id, w.From, w.To, limit))}})
}
