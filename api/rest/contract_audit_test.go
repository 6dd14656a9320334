package rest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A hand-off requested between departments of which one is not registered
// is 404, and the problem names the member at fault; nothing is appended.
func TestRequestUnknownDepartmentNamesField(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, tc := range []struct{ supplier, customer, field string }{
		{"nope", "sales", "supplier"},
		{"it", "nope", "customer"},
	} {
		before := h.head()
		got := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokAdmin,
			body: map[string]any{"supplier": tc.supplier, "customer": tc.customer, "kind": "laptop", "title": "t"}}, 404)
		assert.Equal(t, "urn:cadena:problem:not-found", got["type"])
		assert.Equal(t, tc.field, got["field"], "%v", got)
		assert.Equal(t, `department "nope": not found`, got["detail"])
		require.Equal(t, before, h.head(), "a refused request appends nothing")
	}
}

// A department answers its registered_at wherever it is shown: the list,
// GET of one, and the answers of PUT and retire.
func TestDepartmentRegisteredAtEverywhere(t *testing.T) {
	h := newHarness(t)
	at := "2026-01-05T09:00:00Z"
	put := h.json(req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
		body: map[string]any{"name": "HR", "occurred_at": at}}, 201)
	assert.Equal(t, at, put["registered_at"], "PUT (register)")
	// Straight from the log: no wait for the read models.
	renamed := h.json(req{method: "PUT", path: "/api/v1/departments/hr", token: tokAdmin,
		body: map[string]any{"name": "People"}}, 200)
	assert.Equal(t, at, renamed["registered_at"], "PUT (rename)")
	one := h.json(req{method: "GET", path: "/api/v1/departments/hr", token: tokSales}, 200)
	assert.Equal(t, at, one["registered_at"], "GET one")
	list := h.json(req{method: "GET", path: "/api/v1/departments?min_position=" + fmt.Sprint(h.head()), token: tokSales}, 200)
	depts, ok := list["departments"].([]any)
	require.True(t, ok, "%v", list)
	require.Len(t, depts, 1)
	assert.Equal(t, one["registered_at"], depts[0].(map[string]any)["registered_at"], "list and GET one agree")
	retired := h.json(req{method: "POST", path: "/api/v1/departments/hr/retire", token: tokAdmin}, 200)
	assert.Equal(t, at, retired["registered_at"], "retire")
}

// An id given empty is not a hand-off ID (1 to 64 characters): 422 naming
// id, nothing appended; absent, one is generated.
func TestRequestEmptyIDRefused(t *testing.T) {
	h := newHarness(t)
	h.seed()
	before := h.head()
	body := `{"id":"","supplier":"it","customer":"sales","kind":"laptop","title":"t"}`
	p := checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body}), 422)
	assert.Equal(t, "id", p.Field)
	assert.Contains(t, p.Detail, `"" is not a hand-off ID`)
	assert.Equal(t, before, h.head(), "a refused request appends nothing")

	batch := h.json(req{method: "POST", path: "/api/v1/batch", token: tokAdmin,
		body: `{"commands":[{"command":"request","id":"","supplier":"it","customer":"sales","kind":"laptop","title":"t"}]}`}, 200)
	results, ok := batch["results"].([]any)
	require.True(t, ok, "%v", batch)
	require.Len(t, results, 1)
	assert.Equal(t, float64(422), results[0].(map[string]any)["status"], "%v", results[0])
	assert.Equal(t, before, h.head(), "a refused batch command appends nothing")

	got := h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: `{"supplier":"it","customer":"sales","kind":"laptop","title":"t"}`}, 201)
	assert.NotEmpty(t, got["id"], "absent: generated")
}

// The hand-off list's default page is the one openapi.json gives as the
// limit's default, and the title's bounds there are the README's 1 to 200.
func TestHandoffListDefaultLimitDocumented(t *testing.T) {
	d, _ := loadDoc(t)
	list := d.Paths.Find("/api/v1/handoffs").Get
	require.NotNil(t, list)
	var def any
	for _, p := range list.Parameters {
		if p.Value != nil && p.Value.Name == "limit" {
			def = p.Value.Schema.Value.Default
		}
	}
	require.NotNil(t, def, "openapi.json gives the limit's default")
	title := d.Components.Schemas["RequestHandoff"].Value.Properties["title"].Value
	assert.Equal(t, uint64(1), title.MinLength, "title minLength")
	require.NotNil(t, title.MaxLength, "title maxLength")
	assert.Equal(t, uint64(200), *title.MaxLength, "title maxLength")

	h := newHarness(t)
	h.seed()
	n := int(def.(float64))
	for i := 0; i <= n; i++ {
		h.request(fmt.Sprintf("h%d", i))
	}
	got := h.json(req{method: "GET", path: "/api/v1/handoffs?min_position=" + fmt.Sprint(h.head()), token: tokSales}, 200)
	hs, ok := got["handoffs"].([]any)
	require.True(t, ok, "%v", got)
	assert.Len(t, hs, n, "default page")
	assert.NotEmpty(t, got["next_cursor"], "one more page")
}

// A time refused for being earlier than another names both to the
// nanosecond: within one second, "03:47:03Z is earlier than 03:47:03Z"
// would tell the client nothing.
func TestEarlierThanDetailsArePrecise(t *testing.T) {
	h := newHarness(t)
	h.seed()
	at := now.Add(-time.Hour).Truncate(time.Second).Add(500 * time.Millisecond)
	h.json(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: map[string]any{"id": "h",
		"supplier": "it", "customer": "sales", "kind": "laptop", "title": "t", "occurred_at": at.Format(time.RFC3339Nano)}}, 201)
	early := at.Truncate(time.Second).Format(time.RFC3339)
	before := h.head()
	p := checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs/h/accept", token: tokIT,
		body: map[string]any{"occurred_at": early}}), 422)
	assert.Equal(t, "occurred_at", p.Field)
	assert.Contains(t, p.Detail, at.Format(time.RFC3339Nano), "the previous event's time, to the nanosecond")
	assert.Equal(t, before, h.head(), "a refused command appends nothing")

	p = checkProblem(t, h.do(req{method: "GET", path: "/api/v1/handoffs/h?as_of=" + early, token: tokSales}), 422)
	assert.Equal(t, "as_of", p.Field)
	assert.Contains(t, p.Detail, at.Format(time.RFC3339Nano), "the request's time, to the nanosecond")
}

// A read of a pair whose supplier or customer is not registered is 404
// naming the path's member at fault, as the writes on a pair name it.
func TestPairReadsUnknownDepartmentNameField(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, tail := range []string{"", "/series", "/recognitions"} {
		for _, tc := range []struct{ supplier, customer, field string }{
			{"nope", "sales", "supplier"},
			{"it", "nope", "customer"},
			{"nope", "nope", "supplier"},
		} {
			path := "/api/v1/pairs/" + tc.supplier + "/" + tc.customer + tail
			// Read after the seed is applied: a 404 must mean unknown, not not yet.
			p := checkProblem(t, h.do(req{method: "GET", path: fmt.Sprintf("%s?min_position=%d", path, h.head()), token: tokSales}), 404)
			assert.Equal(t, tc.field, p.Field, path)
			assert.Equal(t, `department "nope": not found`, p.Detail, path)
		}
	}
}

// A token that may not set a pair's agreement or thank its supplier is 403
// before its body is read, as for departments and calendars: it learns
// nothing of how bodies are checked, and nothing is appended. Those who may
// still get the body's faults.
func TestPairWritesRefuseBeforeReadingTheBody(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, tc := range []struct {
		path, token string
		header      map[string]string
	}{
		{"PUT /api/v1/agreements/it/sales", tokSales, nil},
		{"PUT /api/v1/agreements/it/sales", tokSalesHead, map[string]string{"Content-Type": "text/plain"}},
		{"POST /api/v1/pairs/it/sales/recognitions", tokIT, nil},
		{"POST /api/v1/pairs/it/sales/recognitions", tokITHead, map[string]string{"Content-Type": "text/plain"}},
		{"POST /api/v1/batch", tokSales, map[string]string{"Content-Type": "text/plain"}},
	} {
		method, path, _ := strings.Cut(tc.path, " ")
		before := h.head()
		p := checkProblem(t, h.do(req{method: method, path: path, token: tc.token, body: `{"bogus":1}`, header: tc.header}), 403)
		assert.Equal(t, "urn:cadena:problem:forbidden", p.Type, tc.path)
		assert.Equal(t, before, h.head(), "%s appends nothing", tc.path)
	}
	for _, tc := range []struct{ path, token string }{
		{"PUT /api/v1/agreements/it/sales", tokITHead},
		{"POST /api/v1/pairs/it/sales/recognitions", tokSales},
	} {
		method, path, _ := strings.Cut(tc.path, " ")
		p := checkProblem(t, h.do(req{method: method, path: path, token: tc.token, body: `{"bogus":1}`}), 400)
		assert.Equal(t, "bogus", p.Field, tc.path)
	}
}
