package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/recognitions"
)

// Tokens of the test organisation: sales and it trade hand-offs; legal
// stands aside.
const (
	tokAdmin     = "cdn_test-admin"
	tokSales     = "cdn_test-sales-member"
	tokSalesHead = "cdn_test-sales-head"
	tokIT        = "cdn_test-it-member"
	tokITHead    = "cdn_test-it-head"
	tokLegal     = "cdn_test-legal-member"
)

func testTokens(t *testing.T) *auth.Tokens {
	t.Helper()
	entry := func(tok, name string, role api.Role, dept string) auth.Entry {
		return auth.Entry{Name: name, SHA256: auth.Hash(tok), Role: role, Department: dept}
	}
	toks, err := auth.New([]auth.Entry{
		entry(tokAdmin, "ops", api.RoleAdmin, ""),
		entry(tokSales, "sales-team", api.RoleMember, "sales"),
		entry(tokSalesHead, "sales-head", api.RoleHead, "sales"),
		entry(tokIT, "it-team", api.RoleMember, "it"),
		entry(tokITHead, "it-head", api.RoleHead, "it"),
		entry(tokLegal, "legal-team", api.RoleMember, "legal"),
	})
	require.NoError(t, err)
	return toks
}

// harness is a Server over the real service and the embedded store.
type harness struct {
	t        *testing.T
	handler  http.Handler
	store    *testStore
	progress *heldProgress
	runner   *projections.Runner
	logs     *syncBuffer
	observed *observations
}

// now is the server's clock in the tests: a minute ahead of the events,
// fixed so that two answers about the same state are byte for byte equal.
var now = time.Now().Add(time.Minute).UTC()

// testPolicy is the policy of the test organisation: satisfaction from two
// ratings, the other fields at their defaults.
var testPolicy = domain.Policy{AnonymityMin: 2}.WithDefaults()

func newHarness(t *testing.T, opts ...func(*rest.Config)) *harness {
	t.Helper()
	store := newStore(t)
	pairs := pairstats.New(pairstats.Options{Policy: testPolicy})
	cat, index, thanks := catalog.New(), handoffindex.New(), recognitions.New()
	runner := projections.NewRunner(store, nil, pairs, cat, index, thanks)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, "projections")
	})
	require.NoError(t, runner.WaitCaughtUp(ctx))
	h := &harness{t: t, store: store, runner: runner, progress: &heldProgress{Runner: runner},
		logs: &syncBuffer{}, observed: &observations{}}
	cfg := rest.Config{
		Service:         api.New(store, api.Options{}),
		Figures:         pairs,
		Catalog:         cat,
		Handoffs:        index,
		Recognitions:    thanks,
		Policy:          testPolicy,
		Progress:        h.progress,
		Tokens:          testTokens(t),
		Logger:          slog.New(slog.NewJSONHandler(h.logs, nil)),
		MinPositionWait: 100 * time.Millisecond,
		Observe:         h.observed.add,
		Now:             func() time.Time { return now },
		Backup:          store.Backup,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h.handler = rest.New(cfg).Handler()
	return h
}

// req describes one request.
type req struct {
	method, path, token string
	body                any // string: sent as is; anything else: as JSON
	header              map[string]string
}

// do sends a request through the handler and checks the response against
// the OpenAPI document.
func (h *harness) do(r req) *httptest.ResponseRecorder {
	h.t.Helper()
	var (
		body io.Reader
		raw  []byte
	)
	switch b := r.body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(h.t, err)
		raw = j
	}
	if r.body != nil {
		body = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
			continue
		}
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, hr)
	hr.Body = io.NopCloser(bytes.NewReader(raw)) // for validation
	validateResponse(h.t, hr, rec)
	return rec
}

// json sends a request and decodes a JSON answer, failing unless the
// status is want.
func (h *harness) json(r req, want int) map[string]any {
	h.t.Helper()
	rec := h.do(r)
	require.Equal(h.t, want, rec.Code, "%s %s: status: %s", r.method, r.path, rec.Body)
	var out map[string]any
	require.NoError(h.t, json.Unmarshal(rec.Body.Bytes(), &out), "%s %s: %s", r.method, r.path, rec.Body)
	return out
}

// list is json for an answer that is a JSON array.
func (h *harness) list(r req, want int) []any {
	h.t.Helper()
	rec := h.do(r)
	if rec.Code != want {
		h.t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.path, rec.Code, want, rec.Body)
	}
	var out []any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		h.t.Fatalf("%s %s: %v: %s", r.method, r.path, err, rec.Body)
	}
	return out
}

func (h *harness) head() uint64 {
	n, _ := h.store.Head(context.Background())
	return n
}

// seed registers sales, it and legal, and an agreement from it to sales.
func (h *harness) seed() {
	h.t.Helper()
	for _, d := range []string{"sales", "it", "legal"} {
		h.json(req{method: "PUT", path: "/api/v1/departments/" + d, token: tokAdmin, body: map[string]any{"name": strings.ToUpper(d)}}, 201)
	}
	h.json(req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin,
		body: map[string]any{"resolve_within": "72h", "respond_within": 4 * 3600}}, 200)
}

// request opens a hand-off from it to sales as the sales member.
func (h *harness) request(id string) map[string]any {
	h.t.Helper()
	return h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: map[string]any{"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}}, 201)
}

var (
	docOnce sync.Once
	doc     *openapi3.T
	router  routers.Router
	docErr  error
)

func loadDoc(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	docOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, docErr = loader.LoadFromData(rest.OpenAPI())
		if docErr != nil {
			return
		}
		if docErr = doc.Validate(context.Background()); docErr != nil {
			return
		}
		router, docErr = legacy.NewRouter(doc)
	})
	require.NoError(t, docErr, "openapi.json")
	return doc, router
}

// validateResponse checks a response against the OpenAPI document: status,
// content type, headers and body. A request the document has no route for
// must get a problem; a request that succeeded must be one the document
// allows.
func validateResponse(t *testing.T, r *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if r.Method == http.MethodHead {
		return // GET's answer, whose body net/http drops: the document describes the GET
	}
	doc, router := loadDoc(t)
	route, params, err := router.FindRoute(r)
	if err != nil {
		assert.Contains(t, []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusUnauthorized}, rec.Code,
			"%s %s: no route in openapi.json, but this status", r.Method, r.URL)
		assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), "%s %s: content type, want a problem", r.Method, r.URL)
		var v any
		if assert.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), "%s %s", r.Method, r.URL) {
			assert.NoError(t, doc.Components.Schemas["Problem"].Value.VisitJSON(v), "%s %s: not a problem", r.Method, r.URL)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	assert.NoError(t, openapi3filter.ValidateResponse(context.Background(), in),
		"%s %s: response %d does not match openapi.json\n%s", r.Method, r.URL, rec.Code, rec.Body)
	if rec.Code < 300 {
		in.RequestValidationInput.Options = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
		assert.NoError(t, openapi3filter.ValidateRequest(context.Background(), in.RequestValidationInput),
			"%s %s succeeded, but openapi.json does not allow the request", r.Method, r.URL)
	}
}

// heldProgress is the projection runner, but held back (never reaching
// a position it has not reached yet) or not ready when the test says so.
type heldProgress struct {
	*projections.Runner
	held, notReady atomic.Bool
	mu             sync.Mutex
	waited         []uint64
}

func (p *heldProgress) WaitFor(ctx context.Context, pos uint64) error {
	p.mu.Lock()
	p.waited = append(p.waited, pos)
	p.mu.Unlock()
	if p.held.Load() && p.Position() < pos {
		<-ctx.Done()
		return ctx.Err()
	}
	return p.Runner.WaitFor(ctx, pos)
}

func (p *heldProgress) CaughtUp() bool { return !p.notReady.Load() && p.Runner.CaughtUp() }

func (p *heldProgress) waits() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]uint64(nil), p.waited...)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type observation struct {
	route, method string
	status        int
}

type observations struct {
	mu   sync.Mutex
	list []observation
}

func (o *observations) add(route, method string, status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, observation{route, method, status})
}
