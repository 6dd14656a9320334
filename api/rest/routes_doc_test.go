package rest_test

import (
	"net/http"
	"regexp"
	"strings"
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
// and every one documented is served.
func TestRoutesAreTheDocumentsPaths(t *testing.T) {
	e, ok := rest.New(rest.Config{Web: http.NotFoundHandler()}).Handler().(*echo.Echo)
	require.True(t, ok, "the handler is Echo's")
	served := map[string]bool{}
	for _, r := range e.Routes() {
		if pageRoutes[r.Path] {
			continue
		}
		served[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
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
