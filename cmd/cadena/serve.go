package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/api/web"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/projections"
)

// serveConfig is what "cadena serve" and "cadena demo" run with.
type serveConfig struct {
	data         string // directory of the embedded store
	store        string // "" for the embedded store, or an esdb:// or postgres:// URL
	addr         string
	tokens       string
	timezone     string
	anonymityMin int
	minVolume    int
	topPairs     int
	logLevel     string
	guard        guards
	init         bool // take an empty cadena.db as a new store
	gc           gcTuning
	snapshots    snapshotFlags
	catchUpGC    int // the collector's target while the projections catch up
}

func (c *serveConfig) flags(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	Float64Var(*float64, string, float64, string)
}) {
	fs.StringVar(&c.data, "data", "", "directory of the embedded event store (created if missing)")
	fs.StringVar(&c.store, "store", "", "use a KurrentDB / EventStoreDB cluster (esdb://host:2113?tls=false) or a PostgreSQL database (postgres://user@host:5432/db) instead")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	fs.StringVar(&c.tokens, "tokens", "", "tokens file (JSON; see 'cadena token new')")
	fs.StringVar(&c.timezone, "timezone", "UTC", "the organisation's time zone: figures are for whole days in it")
	fs.IntVar(&c.anonymityMin, "anonymity-min", 5, "fewest ratings a pair needs before its satisfaction figures are shown")
	fs.IntVar(&c.minVolume, "min-volume", 5, "fewest hand-offs requested in the window for a pair to be a hotspot (the default of ?min_volume=)")
	fs.IntVar(&c.topPairs, "metrics-top-pairs", 0, "export only the N busiest pairs to Prometheus and fold the rest into _other (0: all)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	c.guard.flags(fs)
	c.gc.flags(fs)
	c.snapshots.flags(fs)
	fs.IntVar(&c.catchUpGC, "catch-up-gc-percent", defaultCatchUpGCPercent, "garbage collector target percentage while the projections catch up at start, when below --gc-percent (0: --gc-percent's)")
}

// runServe handles "cadena serve".
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := newFlagSet("serve", "--data DIR --addr HOST:PORT --tokens FILE [--timezone ZONE] [--store esdb://...|postgres://...]", stdout)
	cfg.flags(fs)
	fs.BoolVar(&cfg.init, "init", false, "take an existing, empty cadena.db in --data as a new store (refused otherwise)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.tokens == "" {
		return errors.New("serve: --tokens is required (create one with 'cadena token new')")
	}
	if cfg.data == "" && cfg.store == "" {
		return errors.New("serve: give --data DIR for the embedded store, or --store URL for a server (esdb://HOST:PORT or postgres://USER@HOST:PORT/DB)")
	}
	if cfg.data != "" && cfg.store != "" { // one would be ignored
		return errors.New("serve: give --data DIR or --store URL, not both (--snapshot-dir keeps the snapshots of a --store server)")
	}
	return serve(ctx, cfg, stdout, stderr, nil)
}

// app is the server's parts, wired together: what "serve" runs.
type app struct {
	logger  *slog.Logger
	store   eventstore.Store // closed by close
	runner  *projections.Runner
	handler http.Handler
	logOut  *logWriter // closed by close, after the store
	gcAttrs []any      // the collector's settings, for the log
	prepare func()     // makes the /metrics families, once the projections caught up
}

// buildApp opens the store and wires the projections, the application
// layer and the HTTP transport; nothing runs yet.
func buildApp(ctx context.Context, cfg serveConfig, stderr io.Writer) (_ *app, err error) {
	// The log is written by a goroutine of its own, off the request path.
	logOut := newLogWriter(stderr)
	defer func() {
		if err != nil {
			logOut.Close()
		}
	}()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	logger, err := newLogger(cfg.logLevel, logOut)
	if err != nil {
		return nil, err
	}
	gcPercent, memLimit, err := cfg.gc.apply()
	if err != nil {
		return nil, err
	}
	gcAttrs := []any{"gc_percent", gcPercent, "memory_limit", memLimit} // logged once serving
	policy, err := cfg.policy()
	if err != nil {
		return nil, err
	}
	if err := cfg.guard.check(); err != nil {
		return nil, err
	}
	tokens, err := auth.Load(cfg.tokens)
	if errors.Is(err, auth.ErrInvalidFile) {
		return nil, fmt.Errorf("--tokens %s: %w", cfg.tokens, err) // which file (a read error names it)
	}
	if err != nil {
		return nil, err
	}
	metricsToken, err := cfg.guard.metricsToken()
	if err != nil {
		return nil, err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(newBuildInfo(readBuildVersion()))
	raw, err := openStore(ctx, cfg, logger, metrics.NewCommits(reg))
	if err != nil {
		return nil, err
	}
	store := metrics.NewStore(raw, reg)

	rm := newReadModels(store, logger, policy)
	pairs, cat, index, thanks, tally, runner := rm.pairs, rm.cat, rm.index, rm.thanks, rm.tally, rm.runner
	if err := cfg.enableSnapshots(rm, policy, logger); err != nil {
		raw.Close()
		return nil, err
	}
	metrics.RegisterProgress(reg, runner)
	// Served beside reg, not registered with it: its series are kept between scrapes.
	business := metrics.NewBusiness(tally, pairs, metrics.BusinessOptions{TopPairs: cfg.topPairs, Policy: policy, Now: time.Now})
	httpMetrics := metrics.NewHTTP(reg)
	metricsHandler := metrics.NewHandler(reg, business, promhttp.HandlerOpts{Registry: reg})

	// The embedded store is opened by one process at a time and written
	// only through svc: the departments and agreements commands consult are
	// then served from memory.
	svc := api.New(store, api.Options{SoleWriter: cfg.store == ""})
	srv := rest.New(rest.Config{
		Service:        svc,
		Figures:        pairs,
		Catalog:        cat,
		Handoffs:       index,
		Recognitions:   thanks,
		Policy:         policy,
		Progress:       readiness{runner, storeReady(raw)},
		Tokens:         tokens,
		Logger:         logger,
		LogText:        logOut, // newLogger's TextHandler writes there
		Observe:        httpMetrics.Observe,
		MetricsHandler: metricsHandler,
		Web:            web.Handler(),
		RateLimit:      cfg.guard.rateLimit,
		RateBurst:      cfg.guard.rateBurst,
		MetricsToken:   metricsToken,
		Backup:         backupOf(raw),
		// A backup takes as long as the store is large: each of its
		// writes gets the write timeout, not the whole answer.
		BackupWriteTimeout: cfg.guard.writeTimeout,
	})
	return &app{logger: logger, logOut: logOut, gcAttrs: gcAttrs, store: raw, runner: runner, handler: srv.Handler(), prepare: metricsHandler.Prepare}, nil
}

// check refuses every flag value of serve and demo that can be judged
// without the store: the log level, the collector's settings, the policy
// (--timezone, --anonymity-min, --min-volume), the connection guards and
// --metrics-token-file, the form of --addr, the scheme of --store and the
// read models' flags. buildApp calls it before it opens the store, and
// demo before it seeds one, so that a bad flag makes no data directory,
// no store and no tokens file.
func (c serveConfig) check() error {
	if _, err := newLogger(c.logLevel, io.Discard); err != nil {
		return err
	}
	if _, err := c.gc.settings(os.Getenv, machineMemory); err != nil {
		return err
	}
	if _, err := c.policy(); err != nil {
		return err
	}
	if err := c.guard.check(); err != nil {
		return err
	}
	if _, err := c.guard.metricsToken(); err != nil {
		return err
	}
	// Whether the port is free is known only when listening; its form now.
	_, port, err := net.SplitHostPort(c.addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("--addr %q: want HOST:PORT (port 0 picks a free one): %w", c.addr, err)
	}
	if c.store != "" && !knownStore(c.store) {
		return fmt.Errorf("--store %q: want a connection string starting with %s", redactURL(c.store), storeSchemes())
	}
	return c.checkReadModelFlags()
}

// policy builds the organisation's policy from the flags, once: every
// consumer (the read models, the metrics, the API and the page through it)
// is given this one value.
func (c serveConfig) policy() (domain.Policy, error) {
	loc, err := time.LoadLocation(c.timezone)
	if err != nil {
		return domain.Policy{}, fmt.Errorf("--timezone %q: %w", c.timezone, err)
	}
	p := domain.Policy{AnonymityMin: c.anonymityMin, MinVolume: c.minVolume,
		AtRiskRatio: domain.DefaultAtRiskRatio, Location: loc}
	if c.anonymityMin < 1 {
		return p, fmt.Errorf("--anonymity-min %d: want at least 1 rating", c.anonymityMin)
	}
	if c.minVolume < 1 {
		return p, fmt.Errorf("--min-volume %d: want at least 1 hand-off", c.minVolume)
	}
	return p, p.Validate()
}

func (a *app) close() error {
	err := a.store.Close()
	a.logOut.Close()
	return err
}

// serve runs the server until ctx ends. ready, if not nil, is called with
// the server's base URL once it listens and its projections caught up.
func serve(ctx context.Context, cfg serveConfig, stdout, stderr io.Writer, ready func(baseURL string)) error {
	a, err := buildApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	return a.run(ctx, cfg, ready)
}

// maxHeaderBytes bounds a request's header block (Go's default, stated
// here because README documents it): a larger one is answered 431 by
// net/http, as text/plain, before the API sees it.
const maxHeaderBytes = 1 << 20

// run listens on cfg.addr, follows the log with the projections and serves
// until ctx ends, the server fails or the projections stop.
func (a *app) run(ctx context.Context, cfg serveConfig, ready func(baseURL string)) error {
	logger, runner := a.logger, a.runner
	restoreGC, catchUpPercent, err := catchUpGC(cfg.catchUpGC)
	if err != nil {
		return err
	}
	defer restoreGC() // if the projections never caught up
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	httpSrv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	cfg.guard.apply(httpSrv)

	runCtx, stopRunner := context.WithCancel(context.WithoutCancel(ctx))
	runnerDone := make(chan error, 1)
	go func() { runnerDone <- runner.Run(runCtx) }()
	dropCtx, stopDropping := context.WithCancel(runCtx)
	defer stopDropping()
	go dropMappedWhileCatchingUp(dropCtx, a.store, catchUpDropEvery)
	serveDone := make(chan error, 1)
	go func() { serveDone <- httpSrv.Serve(ln) }()

	baseURL := "http://" + ln.Addr().String()
	logger.Info("listening", "url", baseURL, "store", storeName(cfg))
	logger.Info("garbage collector", append(a.gcAttrs, "catch_up_gc_percent", catchUpPercent)...)
	start := time.Now()
	caughtUp := make(chan error, 1)
	waitCtx, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	go func() { caughtUp <- runner.WaitCaughtUp(waitCtx) }()

	// Serve until ctx ends, the server fails or the projections stop,
	// whether or not they caught up: a store that cannot be read at start
	// is an error, not a server that is never ready.
	var serveErr error
	runnerStopped := false
wait:
	for {
		select {
		case err := <-caughtUp:
			caughtUp = nil
			if err == nil {
				logger.Info("projections caught up", "position", runner.Position(), "took", time.Since(start).Round(time.Millisecond))
				restoreGC()
				stopDropping()
				go func() {
					if a.prepare != nil {
						a.prepare() // not at the first scrape: seconds on 10,000 pairs
					}
					// Once the families are made, so that their garbage
					// goes back too and the memory that stays is the idle
					// server's.
					releaseCatchUpMemory(logger, a.store)
				}()
				if ready != nil {
					ready(baseURL)
				}
			}
		case <-ctx.Done():
			break wait
		case serveErr = <-serveDone:
			break wait
		case err := <-runnerDone:
			runnerStopped = true
			serveErr = storeReadError(fmt.Errorf("projections stopped: %w", err), cfg)
			break wait
		}
	}
	// Graceful shutdown: stop accepting, let in-flight requests (and their
	// appends) finish, then stop the projections and close the store.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown", "err", err)
	}
	stopRunner()
	if !runnerStopped {
		<-runnerDone
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// readiness is ready when the projections caught up and, for a store that
// can tell (KurrentDB, PostgreSQL), the store is reachable: a replica that lost its
// cluster leaves the load balancer and comes back by itself.
type readiness struct {
	rest.Progress
	storeReady func(context.Context) error // nil: always reachable
}

func (r readiness) CaughtUp() bool {
	if !r.Progress.CaughtUp() {
		return false
	}
	if r.storeReady == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return r.storeReady(ctx) == nil
}

// Ready says why the server is not ready: the projections behind, or the
// store unreachable or unable to write (an error wrapping
// eventstore.ErrUnavailable); nil when it is ready.
func (r readiness) Ready(ctx context.Context) error {
	if !r.Progress.CaughtUp() {
		return errors.New("the projections have not caught up with the log")
	}
	if r.storeReady == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return r.storeReady(ctx)
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
