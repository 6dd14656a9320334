package rest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/eventstore"
)

// TestStoreCannotWrite: while the store cannot write, a write answers 503
// with Retry-After, appends nothing and leaks no cause; reads and /healthz
// go on; the same write succeeds once the store can write again.
func TestStoreCannotWrite(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	h.store.failAppends(fmt.Errorf("bolt: commit: %w: %w", eventstore.ErrUnavailable, syscall.ENOSPC))
	write := req{method: "POST", path: "/api/v1/handoffs", token: tokSales, header: map[string]string{"Idempotency-Key": "k-1"},
		body: map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}}
	rec := h.do(write)
	p := checkProblem(t, rec, http.StatusServiceUnavailable)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", p.Type)
	assert.Equal(t, "10", rec.Header().Get("Retry-After"))
	assert.NotContains(t, rec.Body.String(), "no space", "the cause is logged, not shown")
	assert.Contains(t, h.logs.String(), "no space left on device")
	assert.Equal(t, before, h.head())

	h.json(req{method: "GET", path: "/api/v1/departments", token: tokAdmin}, 200)
	h.json(req{method: "GET", path: "/healthz"}, 200)

	h.store.failAppends(nil)
	h.json(write, 201)
}

// writeProgress is a Progress whose Ready fails with err while it is set.
type writeProgress struct {
	rest.Progress
	mu  sync.Mutex
	err error
}

func (p *writeProgress) Ready(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *writeProgress) set(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// TestReadyzWhileStoreCannotWrite: /readyz says why it is not ready.
func TestReadyzWhileStoreCannotWrite(t *testing.T) {
	var wp *writeProgress
	h := newHarness(t, func(c *rest.Config) {
		wp = &writeProgress{Progress: c.Progress}
		c.Progress = wp
	})
	h.json(req{method: "GET", path: "/readyz"}, 200)

	wp.set(fmt.Errorf("bolt: %w: trial write: %w", eventstore.ErrUnavailable, syscall.ENOSPC))
	rec := h.do(req{method: "GET", path: "/readyz"})
	p := checkProblem(t, rec, http.StatusServiceUnavailable)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", p.Type)
	require.NotEmpty(t, rec.Header().Get("Retry-After"))
	assert.Contains(t, p.Detail, "the disk may be full or failing")

	// A database that cannot be reached (PostgreSQL down) is the same
	// problem, and its detail names that cause too.
	wp.set(fmt.Errorf("postgres: %w: dial tcp 127.0.0.1:5432: %w", eventstore.ErrUnavailable, syscall.ECONNREFUSED))
	p = checkProblem(t, h.do(req{method: "GET", path: "/readyz"}), http.StatusServiceUnavailable)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", p.Type)
	assert.Contains(t, p.Detail, "the disk may be full or failing")
	assert.Contains(t, p.Detail, "the database cannot be reached")

	wp.set(errors.New("the projections have not caught up with the log"))
	p = checkProblem(t, h.do(req{method: "GET", path: "/readyz"}), http.StatusServiceUnavailable)
	assert.Equal(t, "urn:cadena:problem:not-ready", p.Type)

	wp.set(nil)
	h.json(req{method: "GET", path: "/readyz"}, 200)
}

// TestStoreUnavailableIs503: a store whose server cannot be reached makes
// writes (and the reads that go to the store) answer 503 with Retry-After,
// and records nothing.
func TestStoreUnavailableIs503(t *testing.T) {
	h := newHarness(t)
	h.json(req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: map[string]any{"name": "HR"}}, 201)
	before := h.head()
	h.store.failReads(fmt.Errorf("%w: connection refused", eventstore.ErrUnavailable))
	for _, r := range []req{
		{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: map[string]any{"name": "Human resources"}},
		{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{
			"id": "h-down", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "while the store is down"}},
		{method: "GET", path: "/api/v1/handoffs/h-down", token: tokAdmin},
	} {
		rec := h.do(r)
		p := checkProblem(t, rec, 503)
		assert.Equal(t, "10", rec.Header().Get("Retry-After"), "%s %s", r.method, r.path)
		assert.Contains(t, p.Type, "store-unavailable", "%s %s", r.method, r.path)
	}
	assert.Equal(t, before, h.head(), "nothing appended")
}

// TestBatchWhileStoreUnavailableIs503: a batch sent while the store's
// server cannot be reached is answered 503 store-unavailable with
// Retry-After, as a lone write is (README, "Batches"), not 200 with a 503
// inside each result, and records nothing.
func TestBatchWhileStoreUnavailableIs503(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	batch := req{method: "POST", path: "/api/v1/batch", token: tokAdmin, body: map[string]any{"commands": []any{
		map[string]any{"command": "department", "id": "ops", "name": "Operations"},
		map[string]any{"command": "request", "id": "h-batch-down", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "while the store is down"},
	}}}
	down := fmt.Errorf("%w: connection refused", eventstore.ErrUnavailable)
	h.store.failReads(down)
	h.store.failAppends(down)
	rec := h.do(batch)
	p := checkProblem(t, rec, http.StatusServiceUnavailable)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", p.Type)
	assert.Equal(t, "10", rec.Header().Get("Retry-After"))
	assert.Equal(t, before, h.head(), "nothing appended")

	h.store.failReads(nil)
	h.store.failAppends(nil)
	h.json(batch, 200)
}
