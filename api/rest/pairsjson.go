package rest

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/projections/pairstats"
)

// pairsEncoder hands out the JSON array of Pairs ready-made; satisfied by
// *pairstats.Model, which encodes it once per position and window.
type pairsEncoder interface {
	PairsJSON(w pairstats.Window) ([]byte, error)
}

var _ pairsEncoder = (*pairstats.Model)(nil)

// writePairs answers GET /api/v1/pairs with the encoded array of the
// figures when they can give it: the same bytes c.JSON would write
// ({"from","to","pairs"} and a newline), without encoding a megabyte
// again for every client. It reports false when it wrote nothing: the
// figures have no encoding or the client asked for ?pretty.
func (s *Server) writePairs(c echo.Context, w pairstats.Window) (bool, error) {
	enc, ok := s.cfg.Figures.(pairsEncoder)
	if !ok || !readyMade(c) {
		return false, nil
	}
	pairs, err := enc.PairsJSON(w)
	if err != nil {
		return true, err
	}
	// Dates (YYYY-MM-DD) need no escaping.
	head := `{"from":"` + w.From.Format(time.DateOnly) + `","to":"` + w.To.Format(time.DateOnly) + `","pairs":`
	return true, writeParts(c, http.StatusOK, []byte(head), pairs, []byte("}\n"))
}

// chainEncoder hands out the JSON of Chain ready-made; satisfied by
// *pairstats.Model.
type chainEncoder interface {
	ChainJSON(w pairstats.Window) ([]byte, error)
}

var _ chainEncoder = (*pairstats.Model)(nil)

// writeChain answers GET /api/v1/chain with the encoded chain when the
// figures can give it: the bytes c.JSON would write, and a newline. It
// reports false when it wrote nothing.
func (s *Server) writeChain(c echo.Context, w pairstats.Window) (bool, error) {
	enc, ok := s.cfg.Figures.(chainEncoder)
	if !ok || !readyMade(c) {
		return false, nil
	}
	chain, err := enc.ChainJSON(w)
	if err != nil {
		return true, err
	}
	return true, writeParts(c, http.StatusOK, chain, []byte("\n"))
}

// readyMade reports whether an answer may be written from ready-made JSON:
// not when the client asked for ?pretty or the server is in debug mode
// (both indent).
func readyMade(c echo.Context) bool {
	return !indented(c)
}

// writeParts writes a JSON answer of status made of parts, in order.
func writeParts(c echo.Context, status int, parts ...[]byte) error {
	r := c.Response()
	r.Header()[echo.HeaderContentType] = jsonType
	r.WriteHeader(status)
	for _, p := range parts {
		if _, err := r.Write(p); err != nil {
			return err
		}
	}
	return nil
}
