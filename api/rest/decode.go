package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/domain"
)

// decode reads the JSON body of a write into v, which must be a pointer
// to a struct, with the strict semantics of encoding/json/v2: member names
// match exactly (case included), a member given twice, an unknown member,
// malformed JSON, a body that is not one JSON object (null included) and
// trailing data are 400s; a string that is not valid UTF-8 (raw or as an
// escaped lone surrogate) is a 422 naming its member. An empty body is the
// empty object. Every write endpoint decodes its body with it.
func decode(c echo.Context, v any) error {
	data, err := readBody(c)
	if err != nil {
		return err
	}
	return decodeJSON(data, v)
}

// readBody reads the body of a write whole.
func readBody(c echo.Context) ([]byte, error) {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, bodyError(err)
	}
	return data, nil
}

// bodyBuffers hold the bodies decodeScalarsFlat reads.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decodeScalarsFlat is decode for a body whose members are strings,
// numbers, booleans or pointers to them: nothing decoded refers to the
// bytes read, so they are read into a buffer that the next request reuses.
// Its members are listed in members too (v's, under the same names): the
// common body, a flat object of plain strings and small integers, is
// decoded by decodeFlat, without the reflection of the general decoder;
// any other body by decodeJSON, with its semantics and errors, into a
// copy of *v on the heap that is then copied back: v itself, given to no
// interface, may live on the caller's stack.
func decodeScalarsFlat[T any](c echo.Context, v *T, members []flatMember) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 4<<10 { // not the buffers of rare large bodies
			buf.Reset()
			bodyBuffers.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(c.Request().Body); err != nil {
		return bodyError(err)
	}
	if decodeFlat(buf.Bytes(), members) {
		return nil
	}
	heap := new(T)
	*heap = *v
	err := decodeJSON(buf.Bytes(), heap)
	*v = *heap
	return err
}

// bodyError is what a failed read of a body answers: errBodyTimeout when
// the server's read timeout passed before the body arrived (a function of
// its own: the error variable errors.As needs escapes, and most reads do
// not fail).
func bodyError(err error) error {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return errBodyTimeout
	}
	return err // a *http.MaxBytesError is a 413; anything else the client's connection
}

// decodeJSON is decode on bytes already read.
func decodeJSON(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || len(data) == 2 && data[0] == '{' && data[1] == '}' {
		return nil // the empty object sets nothing
	}
	if err := jsonv2.Unmarshal(data, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		return jsonError(data, err)
	}
	// Unmarshal takes null for the zero value; a body must be an object.
	if data[0] != '{' {
		return badRequest("", "the body must be a JSON object, not %s", data)
	}
	return nil
}

func jsonError(data []byte, err error) error {
	var (
		syntax *jsontext.SyntacticError
		sem    *jsonv2.SemanticError
	)
	switch {
	case errors.As(err, &syntax):
		field := fieldOf(syntax.JSONPointer)
		switch {
		case !utf8.Valid(data) || strings.Contains(syntax.Err.Error(), "surrogate"):
			return &domain.ValidationError{Field: field, Msg: "not valid UTF-8 (at byte " +
				strconv.FormatInt(syntax.ByteOffset, 10) + ")"}
		case field != "" && rawControlInString(data, syntax):
			// JSON allows control characters in a string only escaped; sent
			// raw, they are bad text in that member, as when escaped.
			return &domain.ValidationError{Field: field, Msg: fmt.Sprintf("holds the control character U+%04X unescaped at byte %d: "+
				"JSON strings hold control characters only escaped (\\t, \\n), and text only tab and newline", data[syntax.ByteOffset], syntax.ByteOffset)}
		case errors.Is(syntax.Err, jsontext.ErrDuplicateName):
			return badRequest(field, "%s is given more than once", field)
		case errors.Is(syntax.Err, io.ErrUnexpectedEOF):
			return badRequest("", "malformed JSON: the body ends too early")
		}
		return badRequest("", "malformed JSON at byte %d: %v", syntax.ByteOffset, syntax.Err)
	case errors.As(err, &sem):
		field := fieldOf(sem.JSONPointer)
		if errors.Is(sem.Err, jsonv2.ErrUnknownName) {
			return badRequest(field, "unknown field %q (names are case-sensitive)", field)
		}
		if field == "" {
			return badRequest("", "the body must be a JSON object, not %s", jsonKindOf(sem.JSONKind))
		}
		if sem.JSONKind == '0' && isWhole(sem.GoType) && len(sem.JSONValue) > 0 {
			// A number, but not one the member holds: a fraction or out
			// of range for a whole number.
			return badRequest(field, "%s must be a whole number, not %s", field, sem.JSONValue)
		}
		return badRequest(field, "%s must be a JSON %s, not %s", field, jsonGoKind(sem.GoType), jsonKindOf(sem.JSONKind))
	}
	return badRequest("", "malformed JSON: %v", err)
}

// rawControlInString reports whether a syntax error is a control
// character (below U+0020) sent unescaped inside a string.
func rawControlInString(data []byte, syntax *jsontext.SyntacticError) bool {
	off := syntax.ByteOffset
	return off >= 0 && off < int64(len(data)) && data[off] < 0x20 &&
		strings.Contains(syntax.Err.Error(), "in string")
}

// fieldOf names the member a JSON pointer points at: "title", or for
// nested members their path, names joined by dots and array indices in
// brackets ("exceptions[0].date", "week.tue[1]"), as the domain names
// them. A token of digits under the top level is an index: no body of
// cadena has an object whose member names are numbers.
func fieldOf(p jsontext.Pointer) string {
	var b strings.Builder
	for i, tok := range slices.Collect(p.Tokens()) {
		switch {
		case i > 0 && isIndex(tok):
			b.WriteString("[" + tok + "]")
		case i > 0:
			b.WriteString("." + tok)
		default:
			b.WriteString(tok)
		}
	}
	return b.String()
}

// isIndex reports whether a JSON pointer token is an array index: "0", or
// digits not starting with 0.
func isIndex(tok string) bool {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return false
	}
	for _, r := range tok {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func jsonKindOf(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "another value"
}

// isWhole reports whether t is an integer type.
func isWhole(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func jsonGoKind(t reflect.Type) string {
	if t == nil {
		return "value of another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value of another type"
}

// parseTime parses an optional RFC 3339 business time: absent (nil) is the
// zero time, which the domain takes for now. A time given must lie at or
// after domain.MinTime (the domain bounds it by now plus domain.MaxSkew), so
// the zero time can never be given for "now".
func parseTime(field string, s *string) (time.Time, error) {
	if s == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return time.Time{}, &domain.ValidationError{Field: field, Msg: fmt.Sprintf("%q is not an RFC 3339 time", *s)}
	}
	if t.Before(domain.MinTime) {
		return time.Time{}, &domain.ValidationError{Field: field,
			Msg: fmt.Sprintf("%s is before %s", *s, domain.MinTime.Format(time.RFC3339))}
	}
	// In UTC, so that a retry naming the same instant with another offset
	// is the same request.
	return t.UTC(), nil
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
