package rest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
)

// setHeader keeps each value apart in the exchange's storage: adding to one
// header leaves the next one's value alone, and a header beyond the
// storage's room is set as Header.Set sets it.
func TestSetHeaderKeepsValuesApart(t *testing.T) {
	ec := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/", nil), httptest.NewRecorder())
	x := &exchange{Context: ec}
	setHeader(x, "X-Request-Id", "id-1")
	setHeader(x, "Cadena-Position", "42")
	setHeader(x, "Location", "/api/v1/handoffs/h-1")
	setHeader(x, "X-Fourth", "4") // no room left
	h := x.Response().Header()
	h.Add("X-Request-Id", "id-2")

	assert.Equal(t, []string{"id-1", "id-2"}, h.Values("X-Request-Id"))
	assert.Equal(t, []string{"42"}, h.Values("Cadena-Position"))
	assert.Equal(t, []string{"/api/v1/handoffs/h-1"}, h.Values("Location"))
	assert.Equal(t, []string{"4"}, h.Values("X-Fourth"))

	setHeader(ec, "X-Plain", "p") // a context observe did not wrap
	assert.Equal(t, "p", ec.Response().Header().Get("X-Plain"))
}
