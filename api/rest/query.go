package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// queryParams returns, by method and route as Echo writes it ("GET
// /api/v1/handoffs/:id"), the query parameters openapi.json gives the
// operation, in its order: the document is the one list of what each
// route takes.
var queryParams = sync.OnceValue(func() map[string][]string {
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	must := func(err error) {
		if err != nil {
			panic("rest: openapi.json: " + err.Error())
		}
	}
	must(json.Unmarshal(openAPI, &doc))
	resolve := func(p param) param {
		if name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
			return doc.Components.Parameters[name]
		}
		return p
	}
	out := map[string][]string{}
	for path, item := range doc.Paths {
		route := path
		for strings.Contains(route, "{") {
			i, j := strings.Index(route, "{"), strings.Index(route, "}")
			route = route[:i] + ":" + route[i+1:j] + route[j+1:]
		}
		var common []param
		if raw, ok := item["parameters"]; ok {
			must(json.Unmarshal(raw, &common))
		}
		for method, raw := range item {
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options"}, method) {
				continue // the path's parameters, summary or description
			}
			var op struct {
				Parameters []param `json:"parameters"`
			}
			must(json.Unmarshal(raw, &op))
			names := []string{}
			for _, p := range append(append([]param(nil), common...), op.Parameters...) {
				if p = resolve(p); p.In == "query" {
					names = append(names, p.Name)
				}
			}
			out[strings.ToUpper(method)+" "+route] = names
		}
	}
	return out
})

// checkQuery refuses a query string that does not parse (a bad
// percent-escape such as %zz, or a semicolon): the parsed values would
// leave that pair out, so a filter the client gave would silently not
// apply. A parameter given twice is refused too, as a body's member given
// twice is (only the first would count), and so is one the route does not
// take (a misspelt filter would silently not apply) and a pretty that is
// neither true nor false.
func checkQuery(c echo.Context) error {
	q, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return badRequest("", "malformed query string: %v", err)
	}
	method := c.Request().Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	takes := queryParams()[method+" "+c.Path()]
	for k, v := range q {
		if !slices.Contains(takes, k) {
			return badRequest(k, "unknown query parameter %q: %s %s takes %s", k, method, c.Path(), listOf(takes))
		}
		if len(v) > 1 {
			return badRequest(k, "%s is given more than once", k)
		}
	}
	if v, ok := q["pretty"]; ok && v[0] != "" {
		if _, err := strconv.ParseBool(v[0]); err != nil {
			return badRequest("pretty", "pretty must be true or false (or given empty, as true), got %q", v[0])
		}
	}
	return nil
}

func listOf(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// indented reports whether an answer is indented: when the client asked
// for ?pretty (given empty or true) or the server is in debug mode.
func indented(c echo.Context) bool {
	if c.Echo().Debug {
		return true
	}
	if c.Request().URL.RawQuery == "" { // most requests: no query to parse
		return false
	}
	v, ok := c.QueryParams()["pretty"]
	if !ok {
		return false
	}
	on, err := strconv.ParseBool(v[0])
	return v[0] == "" || on || err != nil // a value checkQuery refuses is not checked on every route
}

// jsonSerializer is Echo's, indenting as indented says rather than
// whenever ?pretty is present (?pretty=false would indent).
type jsonSerializer struct{ echo.DefaultJSONSerializer }

func (s jsonSerializer) Serialize(c echo.Context, i any, _ string) error {
	indent := ""
	if indented(c) {
		indent = "  "
	}
	return s.DefaultJSONSerializer.Serialize(c, i, indent)
}
