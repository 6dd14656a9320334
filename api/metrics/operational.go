package metrics

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadena-project/cadena/eventstore"
)

// HTTP records requests by route template, method and status code.
type HTTP struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	// children holds each label combination's counter and histogram once
	// looked up: WithLabelValues hashes the labels and formats the status
	// at every call, and Observe runs at every request.
	mu       sync.RWMutex
	children map[httpLabels]httpChild
}

type httpLabels struct {
	route, method string
	status        int
}

type httpChild struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// NewHTTP registers the HTTP metrics with reg.
func NewHTTP(reg prometheus.Registerer) *HTTP {
	h := &HTTP{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cadena_http_requests_total",
			Help: "HTTP requests served, by route template, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cadena_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(h.requests, h.duration)
	return h
}

// Observe records one request. route must be a template such as
// "/api/v1/handoffs/:id", never a raw path.
func (h *HTTP) Observe(route, method string, status int, d time.Duration) {
	key := httpLabels{route, method, status}
	h.mu.RLock()
	child, ok := h.children[key]
	h.mu.RUnlock()
	if !ok {
		child = httpChild{
			requests: h.requests.WithLabelValues(route, method, strconv.Itoa(status)),
			duration: h.duration.WithLabelValues(route, method),
		}
		h.mu.Lock()
		if h.children == nil {
			h.children = make(map[httpLabels]httpChild)
		}
		h.children[key] = child
		h.mu.Unlock()
	}
	child.requests.Inc()
	child.duration.Observe(d.Seconds())
}

// Store wraps an event store and records the latency of its appends.
type Store struct {
	eventstore.Store
	appendDuration *prometheus.HistogramVec
	// ok and failed are appendDuration's two series, each looked up once
	// it is first observed (WithLabelValues hashes the label at every
	// call; a series appears in a scrape only once observed, as before).
	ok, failed lazyObserver
}

// lazyObserver is one series of a histogram vector, looked up at its first
// use.
type lazyObserver struct {
	o atomic.Pointer[prometheus.Observer]
}

// get returns the series of vec labelled value, looking it up the first
// time.
func (l *lazyObserver) get(vec *prometheus.HistogramVec, value string) prometheus.Observer {
	if o := l.o.Load(); o != nil {
		return *o
	}
	o := vec.WithLabelValues(value) // the same series whoever stores it first
	l.o.Store(&o)
	return o
}

// observe records an append of d by its result.
func (s *Store) observe(err error, d time.Duration) {
	o := &s.ok
	result := "ok"
	if err != nil {
		o, result = &s.failed, "error"
	}
	o.get(s.appendDuration, result).Observe(d.Seconds())
}

// NewStore registers the append metrics with reg and returns s wrapped.
func NewStore(s eventstore.Store, reg prometheus.Registerer) *Store {
	m := &Store{Store: s, appendDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cadena_eventstore_append_duration_seconds",
		Help:    "Time from an append call to its durable acknowledgement, by result.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"result"})}
	reg.MustRegister(m.appendDuration)
	return m
}

var _ eventstore.Store = (*Store)(nil)

// Append appends through the wrapped store and records how long it took.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	start := time.Now()
	res, err := s.Store.Append(ctx, stream, expected, events...)
	s.observe(err, time.Since(start))
	return res, err
}

// Commits records how many events each commit of the embedded or the
// PostgreSQL store carried and how long it took; plug Observe into
// bolt.Options.OnCommit or postgres.Options.OnCommit. A nil *Commits
// records nothing.
type Commits struct {
	events   prometheus.Histogram
	duration prometheus.Histogram
}

// NewCommits registers the commit metrics with reg.
func NewCommits(reg prometheus.Registerer) *Commits {
	c := &Commits{
		events: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cadena_eventstore_commit_events",
			Help:    "Events written by one commit (one transaction and one fsync) of the embedded or PostgreSQL store.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512},
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cadena_eventstore_commit_duration_seconds",
			Help:    "Time of one commit of the embedded or PostgreSQL store, fsync included.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}),
	}
	reg.MustRegister(c.events, c.duration)
	return c
}

// Observe records one commit.
func (c *Commits) Observe(events int, d time.Duration) {
	if c == nil {
		return // a command that exports no metrics
	}
	c.events.Observe(float64(events))
	c.duration.Observe(d.Seconds())
}

// Progress is what the projection gauges read of the runner.
type Progress interface {
	Position() uint64
	Lag(ctx context.Context) (uint64, error)
}

// RegisterProgress registers the projection position and lag gauges.
func RegisterProgress(reg prometheus.Registerer, p Progress) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "cadena_projection_position",
			Help: "Global position of the last event the projections applied.",
		}, func() float64 { return float64(p.Position()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "cadena_projection_lag_events",
			Help: "Events in the log not yet applied by the projections (head position minus applied position).",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			lag, err := p.Lag(ctx)
			if err != nil {
				return -1
			}
			return float64(lag)
		}),
	)
}

// AppendBatch appends a batch through the wrapped store
// (eventstore.AppendBatch: its own batch path when it has one) and records
// how long the whole batch took, once, by its result (for a batch of one,
// by that append's result).
func (s *Store) AppendBatch(ctx context.Context, appends []eventstore.StreamAppend) ([]eventstore.BatchResult, error) {
	start := time.Now()
	res, err := eventstore.AppendBatch(ctx, s.Store, appends)
	// A batch of one is a lone command's append (the application layer
	// appends them so, to skip the store's JSON check): counted by its own
	// result, as Append counts it.
	failed := err
	if failed == nil && len(res) == 1 {
		failed = res[0].Err
	}
	s.observe(failed, time.Since(start))
	return res, err
}

var _ eventstore.BatchAppender = (*Store)(nil)

// ReadStreams reads many short streams in one go through the wrapped store
// when it can (bolt.Store.ReadStreams); otherwise it reads none and leaves
// each to ReadStream (every ok false).
func (s *Store) ReadStreams(ctx context.Context, streams []string, max int) ([][]eventstore.RecordedEvent, []bool, error) {
	if r, ok := s.Store.(interface {
		ReadStreams(ctx context.Context, streams []string, max int) ([][]eventstore.RecordedEvent, []bool, error)
	}); ok {
		return r.ReadStreams(ctx, streams, max)
	}
	return make([][]eventstore.RecordedEvent, len(streams)), make([]bool, len(streams)), nil
}
