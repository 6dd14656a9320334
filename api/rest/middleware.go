package rest

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
)

// Headers the API reads or writes.
const (
	headerRequestID      = "X-Request-Id"
	headerIdempotencyKey = "Idempotency-Key"
	headerPosition       = "Cadena-Position"
)

// Values of headers many answers carry, set (under their canonical keys)
// without a slice made per answer: net/http copies a header's values when
// it writes them, and Set and Add replace or grow a slice, never write
// into it, so the answers may share these.
var (
	nosniff  = []string{"nosniff"}
	noStore  = []string{"no-store"}
	jsonType = []string{echo.MIMEApplicationJSON}
)

// maxBody is the largest request body accepted.
const maxBody = 64 << 10

const keyError = "cadena.error" // the cause of a 500

// errNoExchange is returned by authenticate for a context observe did not
// make: New puts observe around every route, and the actor is kept in the
// exchange it makes, nowhere else.
var errNoExchange = errors.New("rest: authentication outside observe, which keeps the actor")

// exchange is the echo context of a request with what the middleware
// learn of it (its ID, its actor) held in fields: one value made per
// request instead of entries in the context's store, a map made per
// request, and an allocation for each value put there.
type exchange struct {
	echo.Context
	id    string
	actor api.Actor
	// start is when observe began the request: the rate limiter's time
	// too, one clock read fewer a request.
	start time.Time
	// vals holds the values of the headers setHeader sets (the request
	// ID, and a write's position and location): one allocation with the
	// exchange instead of a slice per header.
	vals  [3]string
	nvals int
}

// setHeader sets the header key, in canonical form, to v in c's answer, as
// Header.Set does, with the value in the exchange's own storage while it
// has room. Each value is a slice of its own with no spare capacity, so a
// later Add grows a copy rather than writing over the next value.
func setHeader(c echo.Context, key, v string) {
	h := c.Response().Header()
	if x, ok := c.(*exchange); ok && x.nvals < len(x.vals) {
		i := x.nvals
		x.vals[i] = v
		h[key] = x.vals[i : i+1 : i+1]
		x.nvals++
		return
	}
	h.Set(key, v)
}

// observeRouted runs around every request as the server's one global
// middleware (serveObserved says what it does), made once: Echo applies
// its global middleware to the matched route's handler at every request,
// and a closure over that handler would be an allocation a request. With
// observe the only global middleware, the handler it is given is always
// the context's own (Echo's ServeHTTP passes c.Handler()), so the
// function it returns need not hold it.
func (s *Server) observeRouted() echo.MiddlewareFunc {
	routed := func(ec echo.Context) error { return s.serveObserved(ec, ec.Handler()) }
	return func(echo.HandlerFunc) echo.HandlerFunc { return routed }
}

// serveObserved runs next for one request: it sets the request ID, turns a
// returned error or a panic into a problem, and logs and measures the
// request once it is answered.
func (s *Server) serveObserved(ec echo.Context, next echo.HandlerFunc) error {
	start := time.Now()
	id := ec.Request().Header.Get(headerRequestID)
	if !printableASCII(id, 200) {
		id = newRequestID()
	}
	x := &exchange{Context: ec, id: id, start: start}
	var c echo.Context = x
	setHeader(c, headerRequestID, id)
	c.Response().Header()["X-Content-Type-Options"] = nosniff
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.writeError(fmt.Errorf("panic: %v", r), c)
		}
		end := time.Now() // the duration's end and the log line's time
		d := end.Sub(start)
		route, status := routeOf(c), c.Response().Status
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		if ctx := c.Request().Context(); s.log.Enabled(ctx, level) {
			s.logRequest(ctx, level, c, route, status, d, id, end)
		}
		if s.cfg.Observe != nil {
			s.cfg.Observe(route, c.Request().Method, status, d)
		}
	}()
	if err := next(c); err != nil {
		s.writeError(err, c)
	}
	return nil
}

// logRequest writes the request's log line: route, method, status,
// duration, request ID, actor (a name, never a token) and the cause of a
// 500. now is the time of the line.
func (s *Server) logRequest(ctx context.Context, level slog.Level, c echo.Context, route string, status int, d time.Duration, id string, now time.Time) {
	l := requestLine{level: level, route: route, method: c.Request().Method, status: status, d: d, id: id,
		actor: actorOf(c).Name}
	l.err, _ = c.Get(keyError).(error)
	if w := s.cfg.LogText; w != nil {
		bp := lineBuffers.Get().(*[]byte)
		b, ok := l.appendText((*bp)[:0], now)
		if ok {
			_, _ = w.Write(b)
			*bp = b
			lineBuffers.Put(bp)
			return
		}
		lineBuffers.Put(bp)
	}
	var buf [7]slog.Attr // on the stack: one line costs no slice
	s.log.LogAttrs(ctx, level, "http request", l.attrs(&buf)...)
}

// routeOf returns the route template of the request, bounded in number
// whatever paths clients send.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

func requestID(c echo.Context) string {
	if x, ok := c.(*exchange); ok {
		return x.id
	}
	return "" // a context observe did not see
}

// newRequestID returns 32 random hex digits. A request ID must be unique,
// not secret (a client may send its own), so it comes from math/rand/v2's
// generator (ChaCha8, seeded by the runtime, per thread), not crypto/rand:
// about 90 ns instead of 180-650 (BenchmarkNewRequestID).
func newRequestID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

// printableASCII reports whether s is 1 to max printable ASCII characters.
func printableASCII(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// authenticate finds the actor of the bearer token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(h, " ")
		if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
			return errUnauthenticated
		}
		a, ok := s.cfg.Tokens.Lookup(strings.TrimSpace(token))
		if !ok {
			return errUnknownToken
		}
		x, ok := c.(*exchange)
		if !ok {
			return errNoExchange
		}
		x.actor = a
		if err := s.limiter.allow(a.Name, x.start); err != nil {
			return err
		}
		// What a token may read is nobody else's: keep it out of caches.
		c.Response().Header()["Cache-Control"] = noStore
		return next(c)
	}
}

// actorOf returns the authenticated actor; the zero Actor before
// authentication.
func actorOf(c echo.Context) api.Actor {
	if x, ok := c.(*exchange); ok {
		return x.actor
	}
	return api.Actor{} // a context observe did not make: none was authenticated
}

// mayManageDepartments refuses, before the body is read, an actor the
// application layer would refuse (api.Actor.MayManageDepartments), so a
// non-admin learns nothing from how a body is checked.
func mayManageDepartments(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := actorOf(c).MayManageDepartments(); err != nil {
			return err
		}
		return next(c)
	}
}

// allowedFirst refuses, before the body is read, an actor the application
// layer would refuse on the path alone: check asks the api.Actor method
// that decides it (the use case asks it again).
func allowedFirst(check func(a api.Actor, c echo.Context) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := check(actorOf(c), c); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// Who may set the path's supplier's agreements, thank the path's
// customer's suppliers, and send a batch.
var (
	maySetAgreement = allowedFirst(func(a api.Actor, c echo.Context) error { return a.MaySetAgreement(c.Param("supplier")) })
	mayRecognise    = allowedFirst(func(a api.Actor, c echo.Context) error { return a.MayRecognise(c.Param("customer")) })
	maySendBatch    = allowedFirst(func(a api.Actor, _ echo.Context) error { return a.MaySendBatch() })
)

// guardWrite checks what every write must carry before its body is read:
// a JSON content type (or no body at all), a body of at most maxBody bytes,
// and a well-formed Idempotency-Key if any.
func (s *Server) guardWrite(next echo.HandlerFunc) echo.HandlerFunc {
	return s.guardWriteUpTo(maxBody)(next)
}

// guardWriteUpTo is guardWrite with another body limit.
func (s *Server) guardWriteUpTo(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return guardBody(limit, next)
	}
}

func guardBody(maxBody int64, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if ct := r.Header.Get(echo.HeaderContentType); ct != "" {
			// Most clients send exactly application/json: no need to
			// parse it (ParseMediaType makes a map of its parameters).
			if ct != echo.MIMEApplicationJSON {
				mt, params, err := mime.ParseMediaType(ct)
				if err != nil || mt != echo.MIMEApplicationJSON {
					return &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
						field: "Content-Type", detail: fmt.Sprintf("the body must be application/json, not %q", ct)}
				}
				// JSON is UTF-8 (RFC 8259): a body declared in another
				// charset would be read as what it is not.
				if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
					return &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
						field: "Content-Type", detail: fmt.Sprintf("the body must be JSON in UTF-8, not in charset %q", cs)}
				}
			}
		} else if r.ContentLength != 0 {
			return &requestError{status: http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
				field: "Content-Type", detail: "a request body needs Content-Type: application/json"}
		}
		if r.ContentLength > maxBody {
			return &http.MaxBytesError{Limit: maxBody}
		}
		if r.URL.RawQuery != "" {
			if err := checkQuery(c); err != nil {
				return err
			}
		}
		if r.ContentLength < 0 {
			// A body of unknown length (chunked) is cut at maxBody; one
			// with a Content-Length, checked above, ends there: net/http
			// reads no more of it.
			r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		}
		if vals, ok := r.Header[headerIdempotencyKey]; ok {
			if len(vals) != 1 || !printableASCII(vals[0], 200) {
				return badRequest(headerIdempotencyKey, "an idempotency key is 1 to 200 printable ASCII characters")
			}
		}
		return next(c)
	}
}

// meta returns what a command carries into its events' metadata.
func meta(c echo.Context) api.Meta {
	return api.Meta{IdempotencyKey: c.Request().Header.Get(headerIdempotencyKey), CorrelationID: requestID(c)}
}

// strictQuery refuses a read whose query string checkQuery refuses.
func strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().URL.RawQuery != "" {
			if err := checkQuery(c); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// awaitPosition makes a read given ?min_position=N wait until the
// projections have applied N.
func (s *Server) awaitPosition(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v := c.QueryParam("min_position")
		if v == "" {
			return next(c)
		}
		pos, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return badRequest("min_position", "min_position must be a position (a whole number), got %q", v)
		}
		if s.cfg.Progress == nil || pos == 0 {
			return next(c)
		}
		parent := c.Request().Context()
		ctx, cancel := context.WithTimeout(parent, s.cfg.MinPositionWait)
		defer cancel()
		if err := s.cfg.Progress.WaitFor(ctx, pos); err != nil {
			if parent.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return &requestError{status: http.StatusServiceUnavailable, slug: "position-not-reached",
					field: "min_position", detail: fmt.Sprintf(
						"the read models did not reach position %d within %s; retry later", pos, s.cfg.MinPositionWait)}
			}
			return fmt.Errorf("waiting for position %d: %w", pos, err)
		}
		return next(c)
	}
}

// written answers a write: the body and the position it reached.
func written(c echo.Context, status int, position uint64, body any) error {
	return writtenAt(c, status, strconv.FormatUint(position, 10), body)
}

// writtenAt is written with the position as text.
func writtenAt(c echo.Context, status int, position string, body any) error {
	setHeader(c, headerPosition, position)
	return c.JSON(status, body)
}
