package deploy_test

// Checks on the Grafana dashboards: each file is JSON, panel ids are unique,
// and every query is a PromQL expr on the provisioned datasource (uid
// "prometheus") using only the template variables that deploy/grafana/README.md
// tells a query-evaluating test to substitute.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const datasourceUID = "prometheus"

// allowedVars are the only template variables a dashboard expr may use.
var allowedVars = []string{"department", "__rate_interval", "__range", "__interval"}

var varRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID         *int            `json:"id"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	Datasource json.RawMessage `json:"datasource"`
	Targets    []struct {
		RefID      string          `json:"refId"`
		Expr       string          `json:"expr"`
		Datasource json.RawMessage `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row keeps its panels here
}

type dashboardFile struct {
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name       string          `json:"name"`
			Datasource json.RawMessage `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

// uidOf returns the uid of a datasource reference given as an object; a
// string (datasource name) or absent reference yields "".
func uidOf(raw json.RawMessage) string {
	var ref dsRef
	if len(raw) == 0 || json.Unmarshal(raw, &ref) != nil {
		return ""
	}
	return ref.UID
}

// checkDashboard returns every problem found in one dashboard's JSON, and
// the exprs it holds.
func checkDashboard(data []byte) (exprs []string, problems []string) {
	var d dashboardFile
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, []string{"not valid JSON: " + err.Error()}
	}
	if d.UID == "" || d.Title == "" {
		problems = append(problems, "dashboard has no uid or title")
	}
	if d.SchemaVersion < 36 {
		problems = append(problems, fmt.Sprintf("schemaVersion %d is older than 36 (datasource by uid)", d.SchemaVersion))
	}
	for _, v := range d.Templating.List {
		if len(v.Datasource) > 0 && string(v.Datasource) != "null" && uidOf(v.Datasource) != datasourceUID {
			problems = append(problems, fmt.Sprintf("variable %s: datasource is not uid %q", v.Name, datasourceUID))
		}
	}
	seen := map[int]string{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			name := fmt.Sprintf("panel %q", p.Title)
			if p.ID == nil {
				problems = append(problems, name+": no id")
			} else if other, dup := seen[*p.ID]; dup {
				problems = append(problems, fmt.Sprintf("%s: id %d already used by panel %q", name, *p.ID, other))
			} else {
				seen[*p.ID] = p.Title
			}
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if len(p.Targets) == 0 {
				problems = append(problems, name+": no targets")
			}
			if uidOf(p.Datasource) != datasourceUID {
				problems = append(problems, fmt.Sprintf("%s: datasource is not uid %q", name, datasourceUID))
			}
			for _, t := range p.Targets {
				tn := fmt.Sprintf("%s target %s", name, t.RefID)
				if strings.TrimSpace(t.Expr) == "" {
					problems = append(problems, tn+": empty expr")
					continue
				}
				if uidOf(t.Datasource) != datasourceUID {
					problems = append(problems, fmt.Sprintf("%s: datasource is not uid %q", tn, datasourceUID))
				}
				for _, m := range varRef.FindAllStringSubmatch(t.Expr, -1) {
					if !slices.Contains(allowedVars, m[1]) {
						problems = append(problems, fmt.Sprintf("%s: template variable $%s is not one the query test substitutes", tn, m[1]))
					}
				}
				exprs = append(exprs, t.Expr)
			}
		}
	}
	walk(d.Panels)
	return exprs, problems
}

func dashboardFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("grafana", "dashboards", "*.json"))
	require.NoError(t, err)
	for _, want := range []string{"overview.json", "department.json"} {
		assert.Contains(t, files, filepath.Join("grafana", "dashboards", want), "dashboard missing")
	}
	return files
}

func TestDashboards(t *testing.T) {
	for _, f := range dashboardFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			exprs, problems := checkDashboard(data)
			assert.Empty(t, problems)
			assert.NotEmpty(t, exprs, "no queries")
		})
	}
}

func TestDepartmentDashboardFiltersBothSides(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("grafana", "dashboards", "department.json"))
	require.NoError(t, err)
	var d dashboardFile
	require.NoError(t, json.Unmarshal(data, &d))
	if assert.Len(t, d.Templating.List, 1, "template variables") {
		assert.Equal(t, "department", d.Templating.List[0].Name, "the template variable")
	}
	exprs, _ := checkDashboard(data)
	var asSupplier, asCustomer int
	for _, e := range exprs {
		switch {
		case strings.Contains(e, `supplier="$department"`):
			asSupplier++
		case strings.Contains(e, `customer="$department"`):
			asCustomer++
		default:
			assert.Fail(t, "query not filtered by department", e)
		}
	}
	assert.NotZero(t, asSupplier, "queries filtered as supplier")
	assert.NotZero(t, asCustomer, "queries filtered as customer")
}

func TestCheckDashboardFindsProblems(t *testing.T) {
	bad := `{
	  "uid": "x", "title": "x", "schemaVersion": 39,
	  "templating": {"list": [{"name": "team", "datasource": {"uid": "other"}}]},
	  "panels": [
	    {"id": 1, "type": "timeseries", "title": "ok",
	     "datasource": {"type": "prometheus", "uid": "prometheus"},
	     "targets": [{"refId": "A", "expr": "up", "datasource": {"uid": "prometheus"}}]},
	    {"id": 1, "type": "timeseries", "title": "dup id",
	     "datasource": {"uid": "prometheus"},
	     "targets": [{"refId": "A", "expr": "", "datasource": {"uid": "prometheus"}}]},
	    {"id": 3, "type": "row", "title": "row", "panels": [
	      {"id": 4, "type": "stat", "title": "wrong ds", "datasource": "Prometheus",
	       "targets": [{"refId": "A", "expr": "up{team=\"$team\"}", "datasource": {"uid": "elsewhere"}}]}
	    ]}
	  ]
	}`
	_, problems := checkDashboard([]byte(bad))
	for _, want := range []string{
		"variable team: datasource",
		`panel "dup id": id 1 already used`,
		`panel "dup id" target A: empty expr`,
		`panel "wrong ds": datasource is not uid`,
		`panel "wrong ds" target A: datasource is not uid`,
		`panel "wrong ds" target A: template variable $team`,
	} {
		found := false
		for _, p := range problems {
			if strings.Contains(p, want) {
				found = true
			}
		}
		assert.True(t, found, "problem %q not reported; got %q", want, problems)
	}
	_, problems = checkDashboard([]byte(`{"panels": [`))
	assert.NotEmpty(t, problems, "invalid JSON not reported")
}
