// Package web serves cadena's browser page: one HTML document and its
// stylesheet and JavaScript modules, embedded in the binary.
//
// The page holds no data. Its scripts call the authenticated JSON API under
// /api/v1 on the same origin with a bearer token the user pastes; the token
// lives in the tab's sessionStorage only. The handler can therefore be
// mounted without authentication.
//
// Every response carries a strict Content-Security-Policy: the page has no
// inline script or style, loads nothing from other origins and may not be
// framed.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var static embed.FS

// ContentSecurityPolicy is the policy sent with every response of Handler.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'none'"

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

type file struct {
	body        []byte
	contentType string
	etag        string
}

// Handler serves the page: index.html at "/" (and "/index.html"), the
// files of static/assets under "/assets/" and the lifecycle table of the
// domain at "/assets/lifecycle.js". Anything else is 404; methods
// other than GET and HEAD are 405.
//
// Responses are revalidated on every use (Cache-Control: no-cache) against a
// strong ETag of their content, so a new release takes effect at once and an
// unchanged file costs a 304.
func Handler() http.Handler {
	files := map[string]file{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ct, ok := contentTypes[path.Ext(p)]
		if !ok {
			return nil // not served: no guessing of content types
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(p, "static")] = newFile(body, ct)
		return nil
	})
	if err != nil {
		panic("web: reading the embedded files: " + err.Error())
	}
	files[lifecyclePath] = newFile(lifecycleModule(), contentTypes[".js"])
	files["/"] = files["/index.html"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		f, ok := files[r.URL.Path]
		if !ok {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h.Set("Content-Type", f.contentType)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(f.body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(f.body)
	})
}

// newFile is a file served with its content type and a strong ETag of its
// content.
func newFile(body []byte, contentType string) file {
	sum := sha256.Sum256(body)
	return file{body: body, contentType: contentType,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
