package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/projections/pairstats"
)

func TestProblemFor(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("doing it: %w", err) }
	tests := []struct {
		err      error
		status   int
		field    string
		internal bool
	}{
		{badRequest("limit", "no"), 400, "limit", false},
		{wrap(&pairstats.WindowError{Field: "from", Reason: "not a date"}), 400, "from", false},
		{errUnknownToken, 401, "", false},
		{wrap(api.ErrForbidden), 403, "", false},
		{wrap(domain.ErrNotFound), 404, "", false},
		{echo.ErrNotFound, 404, "", false},
		{echo.ErrMethodNotAllowed, 405, "", false},
		{wrap(&domain.TransitionError{Command: "accept", State: domain.StateCancelled}), 409, "", false},
		{wrap(domain.ErrConflict), 409, "", false},
		{wrap(eventstore.ErrWrongVersion), 409, "", false},
		{wrap(&http.MaxBytesError{Limit: maxBody}), 413, "", false},
		{echo.ErrStatusRequestEntityTooLarge, 413, "", false},
		{echo.ErrUnsupportedMediaType, 415, "", false},
		{wrap(&domain.ValidationError{Field: "title", Msg: "empty"}), 422, "title", false},
		{wrap(domain.ErrInvalid), 422, "", false},
		{errNotReady, 503, "", false},
		{wrap(eventstore.ErrUnavailable), 503, "", false},
		{errCannotWrite, 503, "", false},
		{wrap(context.Canceled), statusClientClosed, "", false},
		{wrap(eventstore.ErrClosed), 500, "", true},
		{errors.New("boom"), 500, "", true},
		{echo.NewHTTPError(http.StatusBadGateway, "upstream"), 500, "", true},
	}
	for _, tt := range tests {
		p, internal := problemFor(tt.err)
		assert.Equal(t, []any{tt.status, tt.field, tt.internal}, []any{p.Status, p.Field, internal},
			"problemFor(%v) = %+v: status, field, internal", tt.err, p)
		assert.NotEmpty(t, p.Title, "problemFor(%v): title", tt.err)
		assert.NotEmpty(t, p.Type, "problemFor(%v): type", tt.err)
		if internal {
			assert.Equal(t, "the server failed; the request ID is in the logs", p.Detail, "problemFor(%v) shows the detail", tt.err)
		}
	}
}
