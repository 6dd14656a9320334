package main

// An end-to-end check of the monitoring configuration in deploy/ against a
// real Prometheus: cadena runs in-process on demo data with live activity,
// promtool lints its /metrics and the Prometheus files, then a Prometheus
// started from the compose configuration scrapes it and every query of the
// Grafana dashboards and every alert expression is evaluated.
//
// It needs the prometheus and promtool binaries on PATH (Debian and Ubuntu:
// apt-get install prometheus) and skips without them.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
)

// promDepartment replaces $department in the department dashboard: a
// supplier (to hr, finance, customer-support) and a customer (of security)
// in the demo, with a pair at the ratings anonymity minimum on each side.
const promDepartment = "it"

// promCustomerOnly is a demo department that is only ever a customer
// (of legal, marketing and finance): the department variable must list it.
const promCustomerOnly = "sales"

// promTemplateVars are the Grafana variables the dashboards may use and
// their values for an instant query, as deploy/grafana/README.md documents.
var promTemplateVars = map[string]string{
	"department":      promDepartment,
	"__rate_interval": "5m",
	"__range":         "1d",
	"__interval":      "1m",
}

func TestPrometheusScrapesCadenaAndEvaluatesDashboardsAndAlerts(t *testing.T) {
	for _, bin := range []string{"prometheus", "promtool"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not on PATH (Debian/Ubuntu: apt-get install prometheus): skipping the Prometheus integration test", bin)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	deployDir := filepath.Join(root, "deploy")

	// cadena on demo data, with live activity every 200ms, and /metrics
	// behind the token deploy/ gives both cadena and Prometheus.
	metricsTokenFile := filepath.Join(deployDir, "prometheus", "metrics-token")
	metricsToken, err := os.ReadFile(metricsTokenFile)
	if err != nil {
		t.Fatal(err)
	}
	base, adminToken := startDemoServer(t, metricsTokenFile)

	t.Run("promtool check metrics", func(t *testing.T) {
		body := httpGet(t, base+"/metrics", strings.TrimSpace(string(metricsToken)))
		promtool(t, root, body, "check", "metrics")
	})
	t.Run("promtool check and test rules", func(t *testing.T) {
		promtool(t, root, nil, "check", "rules", filepath.Join(deployDir, "prometheus", "alerts.yml"))
		promtool(t, root, nil, "test", "rules", filepath.Join(deployDir, "prometheus", "alerts_test.yml"))
	})

	// The compose configuration, pointed at this cadena and this Prometheus.
	promAddr := freeLoopbackAddr(t)
	src, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := rewritePrometheusConfig(string(src), strings.TrimPrefix(base, "http://"), promAddr)
	if err != nil {
		t.Fatalf("rewriting deploy/prometheus/prometheus.yml: %v", err)
	}
	confDir := t.TempDir()
	cfgPath := filepath.Join(confDir, "prometheus.yml")
	rules, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, "alerts.yml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, "metrics-token"), metricsToken, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("promtool check config", func(t *testing.T) {
		promtool(t, root, nil, "check", "config", filepath.Join(deployDir, "prometheus", "prometheus.yml"))
		promtool(t, root, nil, "check", "config", cfgPath)
	})
	if t.Failed() {
		t.FailNow()
	}

	p := startPrometheus(t, cfgPath, filepath.Join(confDir, "data"), promAddr)
	scrapes := func() float64 {
		v, _ := p.scalar(`sum_over_time(up{job="cadena"}[5m])`)
		return v
	}
	p.waitFor(t, deadline, "a first successful scrape of cadena", func() bool { return scrapes() >= 1 })

	// Deliveries after the first scrape, so that increase(...[1d]) of the
	// lead-time buckets moves for the department's pairs on both sides (the
	// live activity delivers too, but picks its hand-offs at random).
	for _, pair := range [][3]string{{"it", "hr", "laptop-provisioning"}, {"security", "it", "access-review"}} {
		deliverHandoff(t, base, adminToken, pair[0], pair[1], pair[2])
	}

	dashboards, variables := dashboardQueries(t, filepath.Join(deployDir, "grafana", "dashboards"))
	if len(dashboards) == 0 {
		t.Fatal("no queries found in the dashboards")
	}
	// A query Prometheus rejects fails at once; one without a finite value
	// yet is retried until the deadline, as scrapes come in.
	for _, q := range dashboards {
		if _, err := p.query(q.expr); err != nil {
			t.Errorf("%s: %s: %v", q.where, q.expr, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	var failing []string
	p.waitFor(t, deadline, "three successful scrapes and every dashboard query to return a value", func() bool {
		if scrapes() < 3 {
			failing = []string{"fewer than three successful scrapes of cadena"}
			return false
		}
		failing = failing[:0]
		for _, q := range dashboards {
			if problem := p.checkPanelQuery(q.expr); problem != "" {
				failing = append(failing, fmt.Sprintf("%s: %s: %s", q.where, q.expr, problem))
			}
		}
		return len(failing) == 0
	}, func() string { return strings.Join(failing, "\n") })
	t.Logf("%d dashboard queries return values after %.0f scrapes", len(dashboards), scrapes())

	t.Run("targets", func(t *testing.T) {
		var targets struct {
			Active []struct {
				ScrapePool string `json:"scrapePool"`
				ScrapeURL  string `json:"scrapeUrl"`
				Health     string `json:"health"`
				LastError  string `json:"lastError"`
			} `json:"activeTargets"`
		}
		p.api(t, "/api/v1/targets?state=active", &targets)
		pools := map[string]string{}
		for _, tg := range targets.Active {
			pools[tg.ScrapePool] = tg.ScrapeURL
			if tg.Health != "up" {
				t.Errorf("target %s %s: %s %s", tg.ScrapePool, tg.ScrapeURL, tg.Health, tg.LastError)
			}
		}
		want := map[string]string{"cadena": base + "/metrics", "prometheus": p.base + "/metrics"}
		if fmt.Sprint(pools) != fmt.Sprint(want) {
			t.Errorf("active targets %v, want %v", pools, want)
		}
	})

	t.Run("department variable", func(t *testing.T) {
		for _, v := range variables {
			values, err := p.variableValues(v)
			if err != nil {
				t.Errorf("%s: variable %s: %v", v.file, v.name, err)
				continue
			}
			for _, want := range []string{promTemplateVars[v.name], promCustomerOnly} {
				if !slices.Contains(values, want) {
					t.Errorf("%s: variable %s lists %v, without %q", v.file, v.name, values, want)
				}
			}
		}
	})

	t.Run("alert rules", func(t *testing.T) {
		var groups struct {
			Groups []struct {
				Name  string `json:"name"`
				Rules []struct {
					Name   string `json:"name"`
					Query  string `json:"query"`
					Type   string `json:"type"`
					Health string `json:"health"`
					Error  string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		}
		p.api(t, "/api/v1/rules", &groups)
		want := len(regexp.MustCompile(`(?m)^\s*- alert:`).FindAll(rules, -1))
		got := 0
		for _, g := range groups.Groups {
			for _, r := range g.Rules {
				got++
				if r.Health == "err" {
					t.Errorf("rule %s: %s", r.Name, r.Error)
				}
				if _, err := p.query(r.Query); err != nil {
					t.Errorf("rule %s: %s: %v", r.Name, r.Query, err)
				}
			}
		}
		if got == 0 || got != want {
			t.Errorf("Prometheus loaded %d rules, alerts.yml has %d alerts", got, want)
		} else {
			t.Logf("%d alert expressions accepted", got)
		}
	})
}

func TestRewritePrometheusConfig(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "deploy", "prometheus", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := rewritePrometheusConfig(string(src), "127.0.0.1:1234", "127.0.0.1:5678")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  scrape_interval: 1s\n", "  evaluation_interval: 1s\n",
		"- 127.0.0.1:1234\n", "- 127.0.0.1:5678\n", "rule_files:\n", "scrape_configs:\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten configuration lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"alerting:", "alertmanager", "cadena:8080", "localhost:9090", "15s"} {
		if strings.Contains(got, gone) {
			t.Errorf("rewritten configuration still has %q:\n%s", gone, got)
		}
	}
	if _, err := rewritePrometheusConfig("global:\n  scrape_interval: 15s\n", "a:1", "b:2"); err == nil {
		t.Error("a configuration without the expected targets was rewritten")
	}
}

// startDemoServer seeds the demo organisation, serves it on a free loopback
// port until the test ends, and records live activity against it. It
// returns the base URL and the admin token.
func startDemoServer(t *testing.T, metricsTokenFile string) (baseURL, adminToken string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	_, err := seedDemo(ctx, serveConfig{data: dir}, 1)
	require.NoError(t, err)
	tokensPath := filepath.Join(dir, "tokens.json")
	tokens, err := writeDemoTokens(tokensPath)
	require.NoError(t, err)
	cfg := serveConfig{data: dir, addr: "127.0.0.1:0", tokens: tokensPath, timezone: "UTC",
		anonymityMin: 5, minVolume: 5, logLevel: "warn", guard: guards{metricsTokenFile: metricsTokenFile}}
	srv := testkit.Start(t, func(ctx context.Context, logs io.Writer, ready func(string)) error {
		return serve(ctx, cfg, io.Discard, logs, ready)
	})
	t.Cleanup(cancel) // the live activity stops before the server (cleanups run last first)
	baseURL = srv.Base
	go demo.Live(ctx, baseURL, tokens[0], 200*time.Millisecond, 1)
	return baseURL, tokens[0]
}

// deliverHandoff requests a hand-off of the pair, accepts and delivers it.
func deliverHandoff(t *testing.T, base, token, supplier, customer, kind string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"supplier": supplier, "customer": customer, "kind": kind,
		"title": "Prometheus integration test"})
	resp := apiPost(t, base+"/api/v1/handoffs", token, body)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || loc == "" {
		t.Fatalf("requesting a %s -> %s hand-off: %s, Location %q", supplier, customer, resp.Status, loc)
	}
	for _, step := range []struct{ action, body string }{{"accept", `{}`}, {"deliver", `{"note":"done"}`}} {
		if resp := apiPost(t, base+loc+"/"+step.action, token, []byte(step.body)); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %s", step.action, loc, resp.Status)
		}
	}
}

func apiPost(t *testing.T, u, token string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func httpGet(t *testing.T, u, token string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", u, resp.Status, err)
	}
	return b
}

// promtool runs promtool with args in dir, stdin from stdin when not nil,
// and fails the test unless it exits 0; a lint problem of check metrics
// exits non-zero too.
func promtool(t *testing.T, dir string, stdin []byte, args ...string) {
	t.Helper()
	cmd := exec.Command("promtool", args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		return
	}
	if args[0] == "check" && args[1] == "metrics" && len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics:\n%s", out)
	}
}

// rewritePrometheusConfig adapts the compose Prometheus configuration to a
// local run: cadena's target becomes cadenaAddr, the self-scrape target
// selfAddr, scrape and evaluation intervals 1s, and the alerting block (an
// Alertmanager at alertmanager:9093, which only resolves inside compose) is
// dropped, so rules are evaluated but no notification is attempted. Every
// edit must apply exactly where expected, so a change to the file's shape
// fails here rather than testing something else.
func rewritePrometheusConfig(src, cadenaAddr, selfAddr string) (string, error) {
	for _, r := range []struct{ old, new string }{
		{"- cadena:8080\n", "- " + cadenaAddr + "\n"},
		{"- localhost:9090\n", "- " + selfAddr + "\n"},
	} {
		if n := strings.Count(src, r.old); n != 1 {
			return "", fmt.Errorf("target %q found %d times, want once", strings.TrimSpace(r.old), n)
		}
		src = strings.Replace(src, r.old, r.new, 1)
	}
	for _, key := range []string{"scrape_interval", "evaluation_interval"} {
		re := regexp.MustCompile(`(?m)^(  ` + key + `:) .*$`)
		if n := len(re.FindAllStringIndex(src, -1)); n != 1 {
			return "", fmt.Errorf("global %s found %d times, want once", key, n)
		}
		src = re.ReplaceAllString(src, "${1} 1s")
	}
	var out []string
	dropped, in := false, false
	for _, line := range strings.SplitAfter(src, "\n") {
		switch {
		case strings.TrimRight(line, " \n") == "alerting:":
			dropped, in = true, true
			continue
		case in && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, " ")):
			continue
		}
		in = false
		out = append(out, line)
	}
	if !dropped {
		return "", fmt.Errorf("no top-level alerting block")
	}
	return strings.Join(out, ""), nil
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// variableValues evaluates a dashboard variable's query as Grafana does:
// label_values(metric, label) through the label values API, or
// query_result(expr) as an instant query whose samples, written
// {label="value",...} value, the variable's /regex/ picks the value from.
func (p *prometheusProcess) variableValues(v dashboardVariable) ([]string, error) {
	if m := regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$`).FindStringSubmatch(v.definition); m != nil {
		var values []string
		err := p.get("/api/v1/label/"+m[2]+"/values?"+url.Values{"match[]": {m[1]}}.Encode(), &values)
		return values, err
	}
	expr, ok := strings.CutPrefix(v.definition, "query_result(")
	if !ok || !strings.HasSuffix(expr, ")") {
		return nil, fmt.Errorf("definition %q is neither label_values(metric, label) nor query_result(expr)", v.definition)
	}
	re, err := regexp.Compile(strings.TrimSuffix(strings.TrimPrefix(v.regex, "/"), "/"))
	if err != nil || re.NumSubexp() != 1 {
		return nil, fmt.Errorf("regex %q: want /.../ with one group (%v)", v.regex, err)
	}
	var data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := p.get("/api/v1/query?"+url.Values{"query": {strings.TrimSuffix(expr, ")")}}.Encode(), &data); err != nil {
		return nil, err
	}
	var values []string
	for _, r := range data.Result {
		var labels []string
		for k, v := range r.Metric {
			labels = append(labels, fmt.Sprintf("%s=%q", k, v))
		}
		slices.Sort(labels)
		line := fmt.Sprintf("{%s} %v", strings.Join(labels, ","), r.Value[1])
		if m := re.FindStringSubmatch(line); m != nil {
			values = append(values, m[1])
		}
	}
	return values, nil
}

// dashboardQuery is one target expr, with the variables substituted.
type dashboardQuery struct{ where, expr string }

// dashboardVariable is one template variable of a dashboard.
type dashboardVariable struct{ file, name, definition, regex string }

// dashboardQueries reads every target expr of every dashboard in dir,
// panels inside collapsed rows included, and substitutes the template
// variables.
func dashboardQueries(t *testing.T, dir string) (queries []dashboardQuery, variables []dashboardVariable) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s: %v", dir, err)
	}
	type panel struct {
		ID      int    `json:"id"`
		Title   string `json:"title"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	varRef := regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Panels     []json.RawMessage `json:"panels"`
			Templating struct {
				List []struct {
					Name       string `json:"name"`
					Definition string `json:"definition"`
					Regex      string `json:"regex"`
				} `json:"list"`
			} `json:"templating"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		for _, v := range d.Templating.List {
			variables = append(variables, dashboardVariable{name, v.Name, v.Definition, v.Regex})
		}
		var walk func([]json.RawMessage)
		walk = func(raw []json.RawMessage) {
			for _, r := range raw {
				var p panel
				if err := json.Unmarshal(r, &p); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				walk(p.Panels)
				for _, tg := range p.Targets {
					expr := varRef.ReplaceAllStringFunc(tg.Expr, func(ref string) string {
						v, ok := promTemplateVars[varRef.FindStringSubmatch(ref)[1]]
						if !ok {
							t.Errorf("%s panel %d: unknown template variable %s", name, p.ID, ref)
						}
						return v
					})
					queries = append(queries, dashboardQuery{
						where: fmt.Sprintf("%s panel %d %q target %s", name, p.ID, p.Title, tg.RefID), expr: expr})
				}
			}
		}
		walk(d.Panels)
	}
	return queries, variables
}

// prometheusProcess is a Prometheus server started by the test.
type prometheusProcess struct {
	base string
	logs *testkit.SyncBuffer
	done chan struct{}
}

func startPrometheus(t *testing.T, cfgPath, dataDir, addr string, flags ...string) *prometheusProcess {
	t.Helper()
	p := &prometheusProcess{base: "http://" + addr, logs: &testkit.SyncBuffer{}, done: make(chan struct{})}
	cmd := exec.Command("prometheus", append([]string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + dataDir,
		"--web.listen-address=" + addr,
	}, flags...)...)
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting prometheus: %v", err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFor polls cond every 250ms until it holds, failing with the
// Prometheus log (and why, if given) at the deadline or if Prometheus exits.
func (p *prometheusProcess) waitFor(t *testing.T, deadline time.Time, what string, cond func() bool, why ...func() string) {
	t.Helper()
	for !cond() {
		select {
		case <-p.done:
			t.Fatalf("prometheus exited while waiting for %s:\n%s", what, p.logs.String())
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			msg := ""
			for _, w := range why {
				msg += "\n" + w()
			}
			t.Fatalf("timed out waiting for %s%s\nprometheus log:\n%s", what, msg, p.logs.String())
		}
	}
}

// api GETs a Prometheus API path and decodes its data into out.
func (p *prometheusProcess) api(t *testing.T, path string, out any) {
	t.Helper()
	if err := p.get(path, out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func (p *prometheusProcess) get(path string, out any) error {
	resp, err := http.Get(p.base + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Status    string          `json:"status"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %v", resp.Status, err)
	}
	if env.Status != "success" || env.Error != "" {
		return fmt.Errorf("status %q: %s: %s", env.Status, env.ErrorType, env.Error)
	}
	return json.Unmarshal(env.Data, out)
}

// query evaluates expr at the current time and returns the values of its
// samples; an error is a query Prometheus did not accept.
func (p *prometheusProcess) query(expr string) ([]float64, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := p.get("/api/v1/query?"+url.Values{"query": {expr}}.Encode(), &data); err != nil {
		return nil, err
	}
	var pairs [][2]any
	switch data.ResultType {
	case "vector":
		var v []struct {
			Value [2]any `json:"value"`
		}
		if err := json.Unmarshal(data.Result, &v); err != nil {
			return nil, err
		}
		for _, s := range v {
			pairs = append(pairs, s.Value)
		}
	case "scalar":
		var v [2]any
		if err := json.Unmarshal(data.Result, &v); err != nil {
			return nil, err
		}
		pairs = append(pairs, v)
	default:
		return nil, fmt.Errorf("result type %q, want an instant vector or a scalar", data.ResultType)
	}
	var values []float64
	for _, pair := range pairs {
		s, _ := pair[1].(string)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("value %v: %v", pair[1], err)
		}
		values = append(values, f)
	}
	return values, nil
}

// scalar returns the first value of expr, or NaN.
func (p *prometheusProcess) scalar(expr string) (float64, error) {
	v, err := p.query(expr)
	if err != nil || len(v) == 0 {
		return math.NaN(), err
	}
	return v[0], nil
}

// checkPanelQuery returns why expr is not fit for a panel ("" when it is):
// it must be accepted and return at least one finite value.
func (p *prometheusProcess) checkPanelQuery(expr string) string {
	values, err := p.query(expr)
	switch {
	case err != nil:
		return err.Error()
	case len(values) == 0:
		return "empty result"
	}
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return ""
		}
	}
	return fmt.Sprintf("no finite value in %v", values)
}
