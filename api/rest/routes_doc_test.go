package rest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// pageRoutes are the web page's routes: served only when the server has a
// page (Config.Web), and not part of the API the document describes.
var pageRoutes = map[string]bool{"/": true, "/index.html": true, "/assets/*": true}

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// TestRoutesAreTheDocumentsPaths walks the routes Echo registered and the
// operations of openapi.json: every method and path served is documented
// and every one documented is served; HEAD is served exactly where GET is
// (the document's description says so rather than repeating each GET).
func TestRoutesAreTheDocumentsPaths(t *testing.T) {
	e, ok := rest.New(rest.Config{Web: http.NotFoundHandler()}).Handler().(*echo.Echo)
	require.True(t, ok, "the handler is Echo's")
	served, heads := map[string]bool{}, map[string]bool{}
	for _, r := range e.Routes() {
		if pageRoutes[r.Path] {
			continue
		}
		path := echoParam.ReplaceAllString(r.Path, "{$1}")
		if r.Method == http.MethodHead {
			heads["GET "+path] = true
			continue
		}
		served[r.Method+" "+path] = true
	}
	gets := map[string]bool{}
	for k := range served {
		if strings.HasPrefix(k, "GET ") {
			gets[k] = true
		}
	}
	assert.Equal(t, gets, heads, "HEAD is served wherever GET is, and nowhere else")
	doc, _ := loadDoc(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	assert.Equal(t, documented, served, "method and path of every route, served and in openapi.json")
}

// TestDocumentedStatusesAreDefined checks every response openapi.json
// lists for an operation: a three-digit status with a description, a
// success with a content type, and an error as a problem document.
func TestDocumentedStatusesAreDefined(t *testing.T) {
	doc, _ := loadDoc(t)
	problem := doc.Components.Schemas["Problem"]
	require.NotNil(t, problem, "the Problem schema")
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := strings.ToUpper(method) + " " + path
			require.NotNil(t, op.Responses, where)
			for status, ref := range op.Responses.Map() {
				require.Regexp(t, `^[1-5][0-9][0-9]$`, status, "%s: a status", where)
				require.NotNil(t, ref.Value, "%s %s: defined", where, status)
				assert.NotEmpty(t, ref.Value.Description, "%s %s: described", where, status)
				if status[0] < '4' {
					if status != "204" {
						assert.NotEmpty(t, ref.Value.Content, "%s %s: a content type", where, status)
					}
					continue
				}
				media := ref.Value.Content.Get("application/problem+json")
				if assert.NotNil(t, media, "%s %s: a problem document", where, status) && media.Schema != nil {
					assert.Equal(t, problem.Value, media.Schema.Value, "%s %s: the Problem schema", where, status)
				}
			}
		}
	}
}

// HEAD on a GET route answers what GET answers, status and headers, with
// no body, through a real server (net/http leaves the body unsent); a
// refused HEAD is refused as its GET is.
func TestHeadAnswersAsGet(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("h1")
	srv := httptest.NewServer(h.handler)
	t.Cleanup(srv.Close)
	send := func(method, path, token string) (*http.Response, []byte) {
		t.Helper()
		r, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := srv.Client().Do(r)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, body
	}
	for _, tc := range []struct{ path, token string }{
		{"/api/v1/me", tokSales},
		{"/api/v1/handoffs/h1", tokSales},
		{"/api/v1/handoffs", tokSales},
		{"/api/v1/pairs", tokSales},
		{"/api/v1/departments/nope", tokSales},
		{"/api/v1/handoffs/h1", tokLegal},
		{"/api/v1/me", ""},
		{"/api/v1/me?limit=1", tokSales},
		{"/healthz", ""},
		{"/api/openapi.json", ""},
	} {
		get, body := send(http.MethodGet, tc.path, tc.token)
		require.NotEmpty(t, body, "GET %s", tc.path)
		head, none := send(http.MethodHead, tc.path, tc.token)
		assert.Equal(t, get.StatusCode, head.StatusCode, "HEAD %s: status", tc.path)
		assert.Empty(t, none, "HEAD %s: no body", tc.path)
		for _, k := range []string{"Content-Type", "Cache-Control", "Www-Authenticate", "X-Content-Type-Options"} {
			assert.Equal(t, get.Header.Get(k), head.Header.Get(k), "HEAD %s: %s", tc.path, k)
		}
	}
	res, _ := send(http.MethodDelete, "/api/v1/me", tokSales)
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Contains(t, res.Header.Get("Allow"), http.MethodHead, "Allow names HEAD")
	// OPTIONS, as README says: 204 with Allow and no body, without a token
	// (it tells only what the document tells).
	res, body := send(http.MethodOptions, "/api/v1/batch", "")
	assert.Equal(t, http.StatusNoContent, res.StatusCode)
	assert.Equal(t, "OPTIONS, POST", res.Header.Get("Allow"))
	assert.Empty(t, body)
}

// Every operation documents the X-Request-Id header it takes: every
// request's is echoed back, reads' and the probes' too.
func TestEveryOperationTakesRequestID(t *testing.T) {
	doc, _ := loadDoc(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			assert.NotNil(t, op.Parameters.GetByInAndName("header", "X-Request-Id"), "%s %s", method, path)
		}
	}
	h := newHarness(t)
	for _, path := range []string{"/healthz", "/api/v1/me", "/api/v1/nope"} {
		rec := h.do(req{method: "GET", path: path, token: tokSales, header: map[string]string{"X-Request-Id": "rid-1"}})
		assert.Equal(t, "rid-1", rec.Header().Get("X-Request-Id"), path)
	}
}

// HEAD on the backup answers its headers, the size included, without
// copying the store.
func TestHeadBackupAnswersHeadersOnly(t *testing.T) {
	var copied atomic.Int64
	done := make(chan struct{}, 1) // a backup has returned: all it copied is counted
	h := newHarness(t, func(c *rest.Config) {
		backup := c.Backup
		c.Backup = func(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
			defer func() { done <- struct{}{} }()
			return backup(ctx, countingWriter{w, &copied}, size)
		}
	})
	h.seed()
	srv := httptest.NewServer(h.handler)
	t.Cleanup(srv.Close)
	send := func(method string) *http.Response {
		r, err := http.NewRequest(method, srv.URL+"/api/v1/admin/backup", nil)
		require.NoError(t, err)
		r.Header.Set("Authorization", "Bearer "+tokAdmin)
		res, err := srv.Client().Do(r)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		require.NoError(t, res.Body.Close())
		<-done
		return res
	}
	get := send(http.MethodGet)
	require.Equal(t, http.StatusOK, get.StatusCode)
	require.NotZero(t, copied.Load(), "GET copies the store")
	copied.Store(0)
	head := send(http.MethodHead)
	assert.Zero(t, copied.Load(), "HEAD copies nothing")
	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Equal(t, "application/octet-stream", head.Header.Get("Content-Type"))
	assert.Equal(t, get.Header.Get("Content-Length"), head.Header.Get("Content-Length"), "the size")
	assert.NotEmpty(t, head.Header.Get("Content-Length"))
	assert.NotContains(t, h.logs.String(), `"status":500`, "no failure logged")
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// The document's 413 and 415 of the batch and of the holiday import say
// their own limit and content type, not the other writes' 64 KiB and JSON.
func TestOwnLimitsDocumented(t *testing.T) {
	doc, _ := loadDoc(t)
	batch := doc.Paths.Find("/api/v1/batch").Post.Responses.Value("413").Value
	assert.Contains(t, *batch.Description, "16 MiB")
	holidays := doc.Paths.Find("/api/v1/calendars/{id}/holidays").Post.Responses.Value("415").Value
	assert.Contains(t, *holidays.Description, "text/calendar")
}
