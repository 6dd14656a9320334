package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// AgreementService sets agreements.
type AgreementService interface {
	SetAgreement(ctx context.Context, a api.Actor, m api.Meta, cmd domain.SetAgreement) (api.AgreementResult, error)
}

type agreementJSON struct {
	Supplier       string     `json:"supplier"`
	Customer       string     `json:"customer"`
	Kind           string     `json:"kind,omitempty"`
	Version        uint64     `json:"version"`
	ResolveWithinS int64      `json:"resolve_within_s"`
	RespondWithinS int64      `json:"respond_within_s"`
	Calendar       string     `json:"calendar,omitempty"`
	SetAt          *time.Time `json:"set_at,omitempty"`
	Position       uint64     `json:"position,omitempty"`
}

func (s *Server) putAgreement(c echo.Context) error {
	var body struct {
		Kind          string          `json:"kind"`
		ResolveWithin json.RawMessage `json:"resolve_within"`
		RespondWithin json.RawMessage `json:"respond_within"`
		Calendar      string          `json:"calendar"`
		OccurredAt    *string         `json:"occurred_at"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	resolve, err := parseDuration("resolve_within", body.ResolveWithin)
	if err != nil {
		return err
	}
	respond, err := parseDuration("respond_within", body.RespondWithin)
	if err != nil {
		return err
	}
	at, err := parseTime("occurred_at", body.OccurredAt)
	if err != nil {
		return err
	}
	cmd := domain.SetAgreement{Supplier: c.Param("supplier"), Customer: c.Param("customer"), Kind: body.Kind,
		ResolveWithin: resolve, RespondWithin: respond, Calendar: body.Calendar, At: at}
	res, err := s.cfg.Service.SetAgreement(c.Request().Context(), actorOf(c), meta(c), cmd)
	if err != nil {
		return err
	}
	t := res.Terms
	return written(c, http.StatusOK, res.Position, agreementJSON{
		Supplier: res.Agreements.Supplier, Customer: res.Agreements.Customer, Kind: t.Kind, Version: t.Version,
		ResolveWithinS: t.ResolveWithinS, RespondWithinS: t.RespondWithinS, Calendar: t.Calendar,
		SetAt: timePtr(res.Agreements.LastAt), Position: res.Position,
	})
}

func (s *Server) listAgreements(c echo.Context) error {
	as := s.cfg.Catalog.Agreements()
	out := make([]agreementJSON, len(as))
	for i, a := range as {
		out[i] = agreementJSON{Supplier: a.Supplier, Customer: a.Customer, Kind: a.Kind, Version: a.Version,
			ResolveWithinS: a.ResolveWithinS, RespondWithinS: a.RespondWithinS, Calendar: a.Calendar, SetAt: timePtr(a.SetAt)}
	}
	return c.JSON(http.StatusOK, map[string]any{"agreements": out})
}
