package rest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/rest"
)

// TestErrors drives every error status and checks that it is a problem
// naming the field at fault, and that nothing was appended.
func TestErrors(t *testing.T) {
	big := strings.Repeat("x", 65<<10)
	tests := []struct {
		name   string
		r      req
		status int
		field  string
	}{
		{"malformed JSON", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":`}, 400, ""},
		{"not an object", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `["HR"]`}, 400, ""},
		{"two values", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"HR"} {}`}, 400, ""},
		{"unknown field", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"HR","colour":"red"}`}, 400, "colour"},
		{"wrong type", req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: `{"supplier":"it","customer":"sales","kind":"k","title":7}`}, 400, "title"},
		{"field the command does not take", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT, body: `{"reason":"x"}`}, 400, "reason"},
		{"bad idempotency key", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"HR"}`,
			header: map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}}, 400, "Idempotency-Key"},
		{"bad min_position", req{method: "GET", path: "/api/v1/departments?min_position=soon", token: tokAdmin}, 400, "min_position"},
		{"bad limit", req{method: "GET", path: "/api/v1/handoffs?limit=0", token: tokAdmin}, 400, "limit"},
		{"query that does not parse", req{method: "GET", path: "/api/v1/handoffs?state=%zz", token: tokAdmin}, 400, ""},
		{"query parameter given twice", req{method: "GET", path: "/api/v1/handoffs?state=requested&state=accepted", token: tokAdmin}, 400, "state"},
		{"query with a semicolon", req{method: "GET", path: "/api/v1/pairs?from=2026-01-01;to=2026-02-01", token: tokAdmin}, 400, ""},
		{"bad state", req{method: "GET", path: "/api/v1/handoffs?state=lost", token: tokAdmin}, 400, "state"},
		{"bad cursor", req{method: "GET", path: "/api/v1/handoffs?cursor=%21", token: tokAdmin}, 400, "cursor"},
		{"bad as_of", req{method: "GET", path: "/api/v1/handoffs/h?as_of=yesterday", token: tokAdmin}, 400, "as_of"},
		{"no token", req{method: "GET", path: "/api/v1/departments"}, 401, ""},
		{"unknown token", req{method: "GET", path: "/api/v1/departments", token: "cdn_nope"}, 401, ""},
		{"not bearer", req{method: "GET", path: "/api/v1/departments", header: map[string]string{"Authorization": "Basic b3BzOm9wcw=="}}, 401, ""},
		{"forbidden", req{method: "PUT", path: "/api/v1/departments/hr", token: tokSalesHead, body: `{"name":"HR"}`}, 403, ""},
		{"unknown hand-off", req{method: "GET", path: "/api/v1/handoffs/nope", token: tokAdmin}, 404, ""},
		{"command on unknown hand-off", req{method: "POST", path: "/api/v1/handoffs/nope/accept", token: tokAdmin}, 404, ""},
		{"retire unknown department", req{method: "POST", path: "/api/v1/departments/hr/retire", token: tokAdmin}, 404, ""},
		{"unknown department", req{method: "GET", path: "/api/v1/departments/hr", token: tokAdmin}, 404, ""},
		{"request to unknown department", req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
			body: map[string]any{"supplier": "hr", "customer": "sales", "kind": "k", "title": "t"}}, 404, "supplier"},
		{"unknown route", req{method: "GET", path: "/api/v1/nothing", token: tokAdmin}, 404, ""},
		{"unknown route outside the API", req{method: "GET", path: "/nothing"}, 404, ""},
		{"method not allowed", req{method: "DELETE", path: "/api/v1/handoffs/h", token: tokAdmin}, 405, ""},
		{"illegal transition", req{method: "POST", path: "/api/v1/handoffs/h/return", token: tokSales, body: `{"reason":"x"}`}, 409, ""},
		{"id taken by another request", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: map[string]any{"id": "h", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "Other"}}, 409, ""},
		{"body too large", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"` + big + `"}`}, 413, ""},
		{"not JSON", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `name=HR`,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "Content-Type"},
		{"JSON in another charset", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"HR"}`,
			header: map[string]string{"Content-Type": "application/json; charset=iso-8859-1"}}, 415, "Content-Type"},
		{"no content type", req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin, body: `{"name":"HR"}`,
			header: map[string]string{"Content-Type": ""}}, 415, "Content-Type"},
		{"invalid value", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": ""}}, 422, "title"},
		{"request without a customer, by a member", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: map[string]any{"supplier": "it", "kind": "laptop", "title": "A laptop"}}, 422, "customer"},
		{"request from a malformed supplier, by a member", req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
			body: map[string]any{"supplier": "I.T.", "customer": "sales", "kind": "laptop", "title": "A laptop"}}, 422, "supplier"},
		{"empty request, by a member", req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: `{}`}, 422, "supplier"},
		{"invalid slug", req{method: "PUT", path: "/api/v1/departments/Human%20Resources", token: tokAdmin, body: `{"name":"HR"}`}, 422, "id"},
		{"invalid duration", req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin, body: `{"resolve_within":"3 days"}`}, 422, "resolve_within"},
		{"duration out of range", req{method: "PUT", path: "/api/v1/agreements/it/sales", token: tokAdmin, body: `{"resolve_within":-5}`}, 422, "resolve_within"},
		{"invalid time", req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT, body: `{"occurred_at":"today"}`}, 422, "occurred_at"},
		{"rating before delivery", req{method: "POST", path: "/api/v1/handoffs/h/rating", token: tokSales, body: `{"score":4}`}, 409, ""},
		{"score out of range", req{method: "POST", path: "/api/v1/handoffs/d/rating", token: tokSales, body: `{"score":9}`}, 422, "score"},
		{"as_of before the request", req{method: "GET", path: "/api/v1/handoffs/h?as_of=2000-01-01T00:00:00Z", token: tokAdmin}, 422, "as_of"},
		{"position not reached", req{method: "GET", path: "/api/v1/handoffs?min_position=1000", token: tokAdmin}, 503, "min_position"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.seed()
			h.request("h")
			h.request("d")
			h.json(req{method: "POST", path: "/api/v1/handoffs/d/deliver", token: tokIT}, 200)
			before := h.head()
			rec := h.do(tt.r)
			p := checkProblem(t, rec, tt.status)
			assert.Equal(t, tt.field, p.Field, "field (%s)", p.Detail)
			assert.Equal(t, before, h.head(), "a rejected request appended")
			switch tt.status {
			case 401:
				assert.NotEmpty(t, rec.Header().Get("WWW-Authenticate"), "401 without WWW-Authenticate")
			case 405:
				assert.NotEmpty(t, rec.Header().Get("Allow"), "405 without Allow")
			case 503:
				assert.NotEmpty(t, rec.Header().Get("Retry-After"), "503 without Retry-After")
			}
		})
	}
}

type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
}

func checkProblem(t *testing.T, rec *httptest.ResponseRecorder, status int) problemDoc {
	t.Helper()
	var p problemDoc
	require.Equal(t, status, rec.Code, "status: %s", rec.Body)
	assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"), "content type")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	assert.Equal(t, status, p.Status, "problem %+v", p)
	assert.NotEmpty(t, p.Type, "problem %+v", p)
	assert.NotEmpty(t, p.Title, "problem %+v", p)
	return p
}

func TestBodyOfUnknownLengthIsLimited(t *testing.T) {
	h := newHarness(t)
	body := `{"name":"` + strings.Repeat("x", 65<<10) + `"}`
	r := httptest.NewRequest("PUT", "/api/v1/departments/hr", strings.NewReader(body))
	r.ContentLength = -1 // as if chunked: only reading finds out
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+tokAdmin)
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, r)
	checkProblem(t, rec, http.StatusRequestEntityTooLarge)
	assert.Zero(t, h.head(), "appended")
}

func TestInternalErrorsSayNothing(t *testing.T) {
	h := newHarness(t)
	h.store.failReads(errors.New("disk on fire"))
	rec := h.do(req{method: "GET", path: "/api/v1/handoffs/h", token: tokAdmin, header: map[string]string{"X-Request-Id": "req-500"}})
	p := checkProblem(t, rec, http.StatusInternalServerError)
	assert.NotContains(t, rec.Body.String(), "fire", "500 leaks its cause: %+v", p)
	logs := h.logs.String()
	assert.Contains(t, logs, "disk on fire", "the cause is not logged")
	assert.Contains(t, logs, "req-500", "the cause is not logged with the request ID")
}

// panicky is a service whose hand-off view panics.
type panicky struct{ rest.Service }

func (panicky) Handoff(context.Context, api.Actor, string, time.Time) (api.HandoffView, error) {
	panic("nil map somewhere")
}

func TestPanicsAreInternalErrors(t *testing.T) {
	h := newHarness(t, func(c *rest.Config) { c.Service = panicky{c.Service} })
	rec := h.do(req{method: "GET", path: "/api/v1/handoffs/h", token: tokAdmin})
	checkProblem(t, rec, http.StatusInternalServerError)
	assert.NotContains(t, rec.Body.String(), "nil map", "the body tells the panic")
	assert.Contains(t, h.logs.String(), "nil map somewhere", "the panic is not logged")
	// The server goes on.
	h.json(req{method: "GET", path: "/healthz"}, 200)
}

// ?pretty indents every JSON answer, problems included (README: "?pretty
// on any request indents its JSON answer"), with the same members.
func TestPrettyProblem(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/api/v1/handoffs/nope", "/api/v1/nothing", "/api/v1/handoffs?limit=0"} {
		plain := h.do(req{method: "GET", path: path, token: tokAdmin})
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		pretty := h.do(req{method: "GET", path: path + sep + "pretty", token: tokAdmin})
		p := checkProblem(t, pretty, plain.Code)
		assert.Contains(t, pretty.Body.String(), "{\n  \"type\": ", "%s%spretty is not indented", path, sep)
		var want, got map[string]any
		require.NoError(t, json.Unmarshal(plain.Body.Bytes(), &want))
		require.NoError(t, json.Unmarshal(pretty.Body.Bytes(), &got))
		assert.Equal(t, want, got, "%s: %s", path, p.Detail)
	}
}
