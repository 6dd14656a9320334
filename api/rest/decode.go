package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/domain"
)

// decode reads the JSON body of a write into v, which must be a pointer
// to a struct. Unknown members, malformed JSON and trailing data are 400s
// that name what is wrong; an empty body is the empty object.
func decode(c echo.Context, v any) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // a *http.MaxBytesError is a 413; anything else the client's connection
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "the body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return badRequest("", "malformed JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "the body must be a JSON object, not %s", typ.Value)
		}
		return badRequest(typ.Field, "%s must be a JSON %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: the body ends too early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return badRequest(name, "unknown field %q", name)
	}
	return badRequest("", "malformed JSON: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "int", "int64", "uint64", "float64":
		return "number"
	case "bool":
		return "boolean"
	}
	return "value of another type"
}

// parseTime parses an optional RFC 3339 time; nil is the zero time (now).
func parseTime(field string, s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return time.Time{}, &domain.ValidationError{Field: field, Msg: fmt.Sprintf("%q is not an RFC 3339 time", *s)}
	}
	return t, nil
}

// parseDuration parses a duration given as a number of seconds or as a Go
// duration string ("72h", "90m"); absent is 0.
func parseDuration(field string, raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	invalid := &domain.ValidationError{Field: field,
		Msg: fmt.Sprintf("%s is not a duration: give seconds (a number) or a string such as \"72h\"", raw)}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, invalid
		}
		return d, nil
	}
	var secs float64
	if json.Unmarshal(raw, &secs) != nil || math.IsNaN(secs) || math.Abs(secs) > float64(math.MaxInt64/int64(time.Second)) {
		return 0, invalid
	}
	return time.Duration(math.Round(secs * float64(time.Second))), nil
}

// seconds gives a duration as seconds, to the millisecond.
func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}

// queryInt parses an optional integer query parameter within [min, max].
func queryInt(c echo.Context, name string, def, min, max int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, badRequest(name, "%s must be a whole number from %d to %d, got %q", name, min, max, v)
	}
	return n, nil
}
