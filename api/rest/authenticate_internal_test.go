package rest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
)

type tokenTable map[string]api.Actor

func (t tokenTable) Lookup(token string) (api.Actor, bool) {
	a, ok := t[token]
	return a, ok
}

// TestAuthenticateKeepsTheActorInTheExchange: behind observe, the handler
// sees the token's actor; a context observe did not make has no place for
// it, and authenticate refuses it instead of letting the handler run
// without an actor.
func TestAuthenticateKeepsTheActorInTheExchange(t *testing.T) {
	sales := api.Actor{Name: "sales-bot", Role: api.RoleMember, Department: "sales"}
	s := New(Config{Tokens: tokenTable{"t0k3n": sales}})
	request := func() echo.Context {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		r.Header.Set(echo.HeaderAuthorization, "Bearer t0k3n")
		return s.echo.NewContext(r, httptest.NewRecorder())
	}
	var seen []api.Actor
	handler := func(c echo.Context) error {
		seen = append(seen, actorOf(c))
		return c.NoContent(http.StatusNoContent)
	}

	c := request()
	require.NoError(t, s.serveObserved(c, s.authenticate(handler)))
	assert.Equal(t, []api.Actor{sales}, seen)
	assert.Equal(t, http.StatusNoContent, c.Response().Status)

	seen = nil
	err := s.authenticate(handler)(request())
	assert.ErrorIs(t, err, errNoExchange)
	assert.Empty(t, seen, "the handler ran")
}
