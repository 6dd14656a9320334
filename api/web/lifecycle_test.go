package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/web"
	"github.com/cadena-project/cadena/domain"
)

// The page's actions follow the domain's one lifecycle table: the server
// serves it as assets/lifecycle.js, and actions.js builds its buttons from
// it instead of keeping its own copy of sides and states.
func TestPageFollowsTheLifecycleTable(t *testing.T) {
	res := get(t, web.Handler(), http.MethodGet, "/assets/lifecycle.js", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "GET /assets/lifecycle.js")
	assert.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	assert.NotEmpty(t, res.Header.Get("ETag"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	src := string(body)
	i := strings.Index(src, "export default ")
	require.GreaterOrEqual(t, i, 0, "lifecycle.js has no default export: %s", src)
	type row struct {
		Name   string   `json:"name"`
		Route  string   `json:"route"`
		Side   string   `json:"side"`
		From   []string `json:"from"`
		Fields []string `json:"fields"`
	}
	var got []row
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimSpace(src[i+len("export default "):]), ";")), &got))

	sides := map[domain.Side]string{domain.SideSupplier: "supplier", domain.SideCustomer: "customer", domain.SideEither: "either"}
	var want []row
	for _, c := range domain.Commands() {
		r := row{Name: c.Name, Route: c.RouteName(), Side: sides[c.Sides], From: []string{}, Fields: []string{}}
		for _, s := range c.From {
			r.From = append(r.From, string(s))
		}
		for _, f := range c.Fields {
			r.Fields = append(r.Fields, string(f))
		}
		want = append(want, r)
	}
	assert.Equal(t, want, got)

	actions, err := os.ReadFile("static/assets/actions.js")
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(actions), `from "./lifecycle.js"`), "actions.js does not read the lifecycle table")
	for _, copyOf := range []string{`from: [`, `side: "supplier"`, `side: "customer"`} {
		assert.False(t, strings.Contains(string(actions), copyOf), "actions.js keeps its own copy of the lifecycle table: %s", copyOf)
	}
	// The commands' endpoints come from the table too, so a new row's
	// button has its call.
	apiJS, err := os.ReadFile("static/assets/api.js")
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(apiJS), `from "./lifecycle.js"`), "api.js does not read the lifecycle table")
	for _, c := range domain.Commands() {
		route := `"POST /api/v1/handoffs/{id}/` + c.RouteName() + `"`
		assert.False(t, strings.Contains(string(apiJS), route), "api.js names %s itself", route)
	}
}

// The page takes the policy from GET /api/v1/me and never falls back on a
// number of its own (#10: the thresholds are not hard-coded in the page).
func TestPageHardCodesNoPolicy(t *testing.T) {
	fallback := regexp.MustCompile(`(at_risk_ratio|anonymity_min|min_volume)\)?\s*(\|\||\?\?)\s*[0-9.]`)
	entries, err := os.ReadDir("static/assets")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".js") {
			continue
		}
		src, err := os.ReadFile("static/assets/" + e.Name())
		require.NoError(t, err)
		assert.Empty(t, fallback.FindString(string(src)), "%s falls back on a policy value of its own", e.Name())
	}
}

// Every command the page may offer (each row of the lifecycle table on an
// existing hand-off) has its button label, and the label of its text field
// when it takes a reason or a note, in both catalogues: a new row cannot
// show an untranslated button.
func TestLifecycleCommandsAreInTheCatalogues(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		msgs := catalogue(t, lang)
		for _, c := range domain.Commands() {
			if c.AllowedFrom(domain.StateNone) {
				continue // the request has its own form
			}
			keys := []string{"action." + c.Name}
			if c.Takes(domain.FieldReason) || c.Takes(domain.FieldNote) {
				keys = append(keys, "action."+c.Name+".field")
			}
			for _, k := range keys {
				_, ok := msgs[k]
				assert.True(t, ok, "messages-%s.js lacks %q", lang, k)
			}
		}
	}
}
