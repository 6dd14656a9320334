package rest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/recognitions"
)

// Service is the application service: commands and the hand-off view. It
// is satisfied by *api.Service.
type Service interface {
	DepartmentService
	AgreementService
	HandoffService
	CalendarService
	BatchService
	RecognitionService
}

var _ Service = (*api.Service)(nil)

// TokenLookup authenticates a bearer token; *auth.Tokens satisfies it.
type TokenLookup interface {
	Lookup(token string) (api.Actor, bool)
}

var _ TokenLookup = (*auth.Tokens)(nil)

// noTokens knows no token: every authenticated route answers 401.
type noTokens struct{}

func (noTokens) Lookup(string) (api.Actor, bool) { return api.Actor{}, false }

// Progress tells how far the projections have followed the log; the
// projection runner satisfies it.
type Progress interface {
	// WaitFor returns once every projection has applied position pos, or
	// ctx's error when ctx ends first.
	WaitFor(ctx context.Context, pos uint64) error
	// CaughtUp reports whether the projections have caught up with the
	// log since start-up.
	CaughtUp() bool
}

var _ Progress = (*projections.Runner)(nil)

// Config is what a Server needs. Service, Figures, Catalog and Handoffs
// are required; without Tokens every authenticated route answers 401; the
// rest have defaults.
type Config struct {
	Service  Service
	Figures  Figures
	Catalog  Catalog
	Handoffs HandoffIndex
	// Recognitions lists the recognitions of pairs and suppliers; nil
	// lists none (the recognitions are still recorded).
	Recognitions Recognitions
	// Policy is the organisation's policy, the same value the read models
	// are given: the default min_volume of the hotspots, and what
	// GET /api/v1/me tells the web page. Zero fields take their defaults
	// (domain.Policy.WithDefaults).
	Policy domain.Policy
	// Progress is nil when reads need not wait (every read is then ready).
	Progress Progress
	Tokens   TokenLookup
	// Logger gets one line per request; default slog.Default().
	Logger *slog.Logger
	// LogText, when set, is the writer of Logger's handler, a
	// slog.TextHandler with no option but its level, safe for concurrent
	// writes of whole lines: the line of a request is then written to it
	// directly, the same bytes the handler writes, for less CPU. Logger's
	// level still decides which lines are written, and a line with an
	// error or a value the text format quotes still goes through Logger.
	LogText io.Writer
	// Now is the clock of the hand-off views; default time.Now.
	Now func() time.Time
	// MinPositionWait bounds how long a read given min_position waits for
	// the projections; default 5s.
	MinPositionWait time.Duration
	// Observe, when set, is called once per request with the route
	// template ("/api/v1/handoffs/:id"; "unmatched" for no route).
	Observe func(route, method string, status int, d time.Duration)
	// MetricsHandler serves /metrics, unauthenticated; nil answers 404.
	MetricsHandler http.Handler
	// RateLimit is how many API requests a second each token may send on
	// average, in bursts of up to RateBurst; 0 is no limit. Only
	// authenticated routes count: /healthz, /readyz, /metrics, the
	// document and the page are never limited.
	RateLimit float64
	RateBurst int
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Backup, when set, serves GET /api/v1/admin/backup to admins; nil
	// answers 501 there (a store with its own backup tools).
	Backup BackupFunc
	// BackupWriteTimeout, when above zero, is how long each write of the
	// backup's stream may take: the server's --write-timeout bounds a
	// whole answer, and a live copy of a large store takes longer, so the
	// backup gives each write that long instead (a client that stops
	// reading is still let go).
	BackupWriteTimeout time.Duration
	// Web serves the web page at / and its files under /assets/,
	// unauthenticated (the page holds no data; its script calls the API
	// with the token the user gives it); nil serves no page.
	Web http.Handler
}

// Server serves the API.
type Server struct {
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	limiter *limiter // nil: no rate limit
}

// New returns a Server with its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Policy = cfg.Policy.WithDefaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tokens == nil {
		cfg.Tokens = noTokens{}
	}
	if cfg.Recognitions == nil {
		cfg.Recognitions = recognitions.New()
	}
	if cfg.MinPositionWait <= 0 {
		cfg.MinPositionWait = 5 * time.Second
	}
	s := &Server{cfg: cfg, log: cfg.Logger, echo: echo.New(), limiter: newLimiter(cfg.RateLimit, cfg.RateBurst)}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = s.writeError
	e.JSONSerializer = jsonSerializer{}
	queryParams()            // read openapi.json's parameters now: a document that does not parse stops New, not a request
	e.Use(s.observeRouted()) // the only global middleware: see observeRouted
	s.routes()
	return s
}

// Handler returns the http.Handler that serves the API.
func (s *Server) Handler() http.Handler { return s.echo }

func (s *Server) routes() {
	e := s.echo
	get(e, "/healthz", s.healthz)
	get(e, "/readyz", s.readyz)
	get(e, "/metrics", s.metrics)
	get(e, "/api/openapi.json", serveOpenAPI)
	if s.cfg.Web != nil {
		page := echo.WrapHandler(s.cfg.Web)
		for _, path := range []string{"/", "/index.html", "/assets/*"} {
			get(e, path, page)
		}
	}

	// Authentication is route middleware rather than group middleware: a
	// group's middleware would answer a wrong method on a known route with
	// 404 instead of 405.
	v1 := e.Group("/api/v1")
	read := []echo.MiddlewareFunc{s.authenticate, strictQuery, s.awaitPosition}
	write := []echo.MiddlewareFunc{s.authenticate, s.guardWrite}
	admin := []echo.MiddlewareFunc{s.authenticate, mayManageDepartments, s.guardWrite}

	get(v1, "/departments", s.listDepartments, read...)
	get(v1, "/departments/:id", s.getDepartment, read...)
	v1.PUT("/departments/:id", s.putDepartment, admin...)
	v1.POST("/departments/:id/retire", s.retireDepartment, admin...)

	get(v1, "/agreements", s.listAgreements, read...)
	v1.PUT("/agreements/:supplier/:customer", s.putAgreement, s.authenticate, maySetAgreement, s.guardWrite)

	get(v1, "/handoffs", s.listHandoffs, read...)
	v1.POST("/handoffs", chain(s.requestHandoff, write...))
	get(v1, "/handoffs/:id", s.getHandoff, read...)
	for _, spec := range domain.Commands() {
		if spec.Name != domain.Request { // POST /handoffs above, with its own body
			v1.POST("/handoffs/:id/"+spec.RouteName(), chain(s.handoffCommand(spec), write...))
		}
	}

	s.calendarRoutes(v1, read)

	get(v1, "/pairs", s.listPairs, read...)
	get(v1, "/pairs/:supplier/:customer", s.getPair, read...)
	get(v1, "/hotspots", s.listHotspots, read...)
	get(v1, "/departments/:id/scorecard", s.getScorecard, read...)
	get(v1, "/chain", s.getChain, read...)
	get(v1, "/range", s.getRange, read...)
	get(v1, "/pairs/:supplier/:customer/series", s.getPairSeries, read...)
	get(v1, "/departments/:id/series", s.getDepartmentSeries, read...)
	get(v1, "/brightspots", s.listBrightSpots, read...)
	get(v1, "/pairs/:supplier/:customer/recognitions", s.listPairRecognitions, read...)
	v1.POST("/pairs/:supplier/:customer/recognitions", s.recognise, s.authenticate, mayRecognise, s.guardWrite)
	get(v1, "/departments/:id/recognitions", s.listDepartmentRecognitions, read...)

	get(v1, "/me", s.getMe, read...)
	v1.POST("/batch", s.batch, s.authenticate, maySendBatch, s.guardWriteUpTo(maxBatchBody))
	get(v1, "/admin/backup", s.backup, s.authenticate, strictQuery, s.awaitPosition) // every read takes min_position
}

// router is what *echo.Echo and *echo.Group have in common.
type router interface {
	GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	HEAD(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// get serves a GET route and HEAD on it (RFC 9110: a GET resource answers
// HEAD): the same handler, whose body net/http leaves unsent.
func get(r router, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.GET(path, h, m...)
	r.HEAD(path, h, m...)
}

// chain returns h behind the route middleware mw, composed once: Echo
// composes a route's own middleware again at every request (a closure per
// middleware), which the hot write routes are spared.
func chain(h echo.HandlerFunc, mw ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
