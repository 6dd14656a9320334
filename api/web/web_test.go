package web_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/web"
)

func get(t *testing.T, h http.Handler, method, path string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestIndex(t *testing.T) {
	h := web.Handler()
	for _, path := range []string{"/", "/index.html"} {
		res := get(t, h, http.MethodGet, path, nil)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, res.StatusCode)
		}
		if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, got)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
		if got := res.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", path, got)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", path)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
		if !strings.Contains(string(body), `<script type="module" src="assets/app.js">`) {
			t.Errorf("GET %s: the page does not load assets/app.js", path)
		}
	}
}

// The policy forbids inline script and style, so the page must have none.
func TestNoInlineScriptOrStyle(t *testing.T) {
	body, err := os.ReadFile("static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`), // a script with content
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`javascript:`),
		regexp.MustCompile(`https?://`),
	} {
		if m := re.FindString(html); m != "" {
			t.Errorf("index.html: %q is not allowed under the content security policy", m)
		}
	}
	err = fs.WalkDir(os.DirFS("static/assets"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".js" {
			return err
		}
		src, err := os.ReadFile(filepath.Join("static/assets", p))
		if err != nil {
			return err
		}
		for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", `setAttribute("style"`, "localStorage", "console.log"} {
			// The language preference, nothing secret, is the one thing
			// kept beyond the tab; the token never is.
			if bad == "localStorage" && p == "i18n.js" {
				continue
			}
			if strings.Contains(string(src), bad) {
				t.Errorf("%s uses %s", p, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAssets(t *testing.T) {
	h := web.Handler()
	for path, ct := range map[string]string{
		"/assets/app.js":   "text/javascript; charset=utf-8",
		"/assets/api.js":   "text/javascript; charset=utf-8",
		"/assets/app.css":  "text/css; charset=utf-8",
		"/assets/icon.svg": "image/svg+xml",
	} {
		res := get(t, h, http.MethodGet, path, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d", path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != ct {
			t.Errorf("GET %s: Content-Type %q, want %q", path, got, ct)
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", path)
		}
		etag := res.Header.Get("ETag")
		res = get(t, h, http.MethodGet, path, http.Header{"If-None-Match": {etag}})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match: status %d, want 304", path, res.StatusCode)
		}
		res = get(t, h, http.MethodHead, path, nil)
		if body, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusOK || len(body) != 0 {
			t.Errorf("HEAD %s: status %d, %d body bytes", path, res.StatusCode, len(body))
		}
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := web.Handler()
	for _, path := range []string{"/assets/nope.js", "/assets/", "/assets", "/static/index.html", "/testdata/hotspots.json", "/api/v1/hotspots", "/assets/../index.html", "/favicon.ico"} {
		if res := get(t, h, http.MethodGet, path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
		}
	}
	res := get(t, h, http.MethodPost, "/", nil)
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: status %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
}

var endpointRE = regexp.MustCompile(`(?m)^\s*\w+:\s*"(GET|POST|PUT|DELETE|PATCH) (/[^"]*)",\s*$`)

// endpoints returns the "METHOD /path" templates the page calls, read from
// the ENDPOINTS constant in api.js, the one module that names API paths.
func endpoints(t *testing.T) [][2]string {
	t.Helper()
	src, err := os.ReadFile("static/assets/api.js")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)export const ENDPOINTS = Object\.freeze\(\{(.*?)\}\);`).FindSubmatch(src)
	if block == nil {
		t.Fatal("api.js: no ENDPOINTS constant")
	}
	var out [][2]string
	for _, m := range endpointRE.FindAllSubmatch(block[1], -1) {
		out = append(out, [2]string{string(m[1]), string(m[2])})
	}
	if len(out) < 6 {
		t.Fatalf("api.js: found %d endpoints in ENDPOINTS: %q", len(out), block[1])
	}
	return out
}

// No module but api.js names an API path, so ENDPOINTS is every call.
func TestEndpointsInOneModule(t *testing.T) {
	endpoints(t)
	entries, err := os.ReadDir("static/assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".js" || e.Name() == "api.js" {
			continue
		}
		src, err := os.ReadFile(filepath.Join("static/assets", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "/api/") || strings.Contains(string(src), "fetch(") {
			t.Errorf("%s names an API path or calls fetch; only api.js may", e.Name())
		}
	}
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// Every call the page makes exists in the API's OpenAPI document.
func TestEndpointsInOpenAPI(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "rest", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("api/rest/openapi.json: %v", err)
	}
	paths := map[string]map[string]json.RawMessage{}
	for p, ops := range doc.Paths {
		paths[placeholder.ReplaceAllString(p, "{}")] = ops
	}
	for _, ep := range endpoints(t) {
		method, path := ep[0], ep[1]
		ops, ok := paths[placeholder.ReplaceAllString(path, "{}")]
		if !ok {
			t.Errorf("%s %s: no such path in api/rest/openapi.json", method, path)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("%s %s: the path has no %s operation in api/rest/openapi.json", method, path, method)
		}
	}
}

// The canned responses of the browser tests have the shapes the API
// documents, so the page is tested against what it will really get.
func TestCannedDataMatchesOpenAPI(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "rest", "openapi.json"))
	require.NoError(t, err)
	for file, schema := range map[string]string{
		"me.json":          "Me",
		"me-member.json":   "Me",
		"departments.json": "DepartmentList",
		"hotspots.json":    "HotspotList",
		"chain.json":       "Chain",
		"scorecard.json":   "Scorecard",
		"handoffs.json":    "HandoffList",
		"agreements.json":  "AgreementList",
		"handoff.json":     "Handoff",
		"calendars.json":   "CalendarList",
	} {
		ref, ok := doc.Components.Schemas[schema]
		if !assert.True(t, ok, "%s: no schema %s in api/rest/openapi.json", file, schema) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal(raw, &v), file)
		assert.NoError(t, ref.Value.VisitJSON(v), "%s is not a %s", file, schema)
	}
}
