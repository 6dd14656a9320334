package deploy_test

// Checks that the deployment files in this folder and the top-level
// docker-compose.yml fit together: every file the stack mounts or builds from
// exists, Prometheus finds its rule files inside its container, and every
// rule carries the annotations an on-call person needs.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// repoRoot is where docker-compose.yml lives; go test runs in this folder.
const repoRoot = ".."

// mount is one file or folder the compose file takes from the host.
type mount struct {
	Service string
	Source  string // host path, relative to the compose file's folder unless absolute
	Target  string // path inside the container ("" for a build file)
	Kind    string // "bind", "build" (a Dockerfile or build context), "file" (env_file, configs, secrets)
}

// composeHostPaths lists every host path that the compose document refers to:
// bind mounts (short and long volume syntax), build contexts and their
// Dockerfiles, env_files, and top-level configs/secrets files. It also reports
// named volumes used by a service but not declared at the top level.
func composeHostPaths(doc any) ([]mount, error) {
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("compose file is not a mapping")
	}
	services, ok := top["services"].(map[string]any)
	if !ok || len(services) == 0 {
		return nil, fmt.Errorf("compose file has no services")
	}
	declared := map[string]bool{}
	if vols, ok := top["volumes"].(map[string]any); ok {
		for name := range vols {
			declared[name] = true
		}
	}
	var out []mount
	names := make([]string, 0, len(services))
	for name := range services {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		svc, ok := services[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("service %s is not a mapping", name)
		}
		switch b := svc["build"].(type) {
		case nil:
		case string:
			out = append(out, mount{name, b, "", "build"},
				mount{name, filepath.Join(b, "Dockerfile"), "", "build"})
		case map[string]any:
			ctx, _ := b["context"].(string)
			if ctx == "" {
				ctx = "."
			}
			df, _ := b["dockerfile"].(string)
			if df == "" {
				df = "Dockerfile"
			}
			out = append(out, mount{name, ctx, "", "build"},
				mount{name, filepath.Join(ctx, df), "", "build"})
		default:
			return nil, fmt.Errorf("service %s: build has an unexpected form", name)
		}
		switch ef := svc["env_file"].(type) {
		case nil:
		case string:
			out = append(out, mount{name, ef, "", "file"})
		case []any:
			for _, e := range ef {
				s, _ := e.(string)
				out = append(out, mount{name, s, "", "file"})
			}
		}
		vols, _ := svc["volumes"].([]any)
		for _, v := range vols {
			switch v := v.(type) {
			case string:
				parts := strings.Split(v, ":")
				if len(parts) < 2 {
					continue // anonymous volume
				}
				src, dst := parts[0], parts[1]
				if isHostPath(src) {
					out = append(out, mount{name, src, dst, "bind"})
				} else if !declared[src] {
					return nil, fmt.Errorf("service %s: named volume %q is not declared under top-level volumes", name, src)
				}
			case map[string]any:
				typ, _ := v["type"].(string)
				src, _ := v["source"].(string)
				dst, _ := v["target"].(string)
				switch typ {
				case "bind":
					out = append(out, mount{name, src, dst, "bind"})
				case "volume":
					if src != "" && !declared[src] {
						return nil, fmt.Errorf("service %s: named volume %q is not declared under top-level volumes", name, src)
					}
				}
			default:
				return nil, fmt.Errorf("service %s: volume entry has an unexpected form", name)
			}
		}
	}
	for _, section := range []string{"configs", "secrets"} {
		entries, _ := top[section].(map[string]any)
		for key, e := range entries {
			if m, ok := e.(map[string]any); ok {
				if f, ok := m["file"].(string); ok {
					out = append(out, mount{section + "." + key, f, "", "file"})
				}
			}
		}
	}
	return out, nil
}

func isHostPath(src string) bool {
	return strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, "~")
}

// missingHostPaths parses compose text and returns the host paths it refers
// to that do not exist under baseDir.
func missingHostPaths(composeText, baseDir string) ([]string, error) {
	doc, err := parseYAML(composeText)
	if err != nil {
		return nil, err
	}
	mounts, err := composeHostPaths(doc)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, m := range mounts {
		p := m.Source
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, m.Source)
		}
	}
	return missing, nil
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadYAML(t *testing.T, name string) any {
	t.Helper()
	doc, err := parseYAML(readFile(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

func loadCompose(t *testing.T) (any, []mount) {
	t.Helper()
	doc := loadYAML(t, filepath.Join(repoRoot, "docker-compose.yml"))
	mounts, err := composeHostPaths(doc)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return doc, mounts
}

func TestComposeHostPathsExist(t *testing.T) {
	missing, err := missingHostPaths(readFile(t, filepath.Join(repoRoot, "docker-compose.yml")), repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Errorf("docker-compose.yml refers to %s, which does not exist", m)
	}
}

func TestComposeBuildsCadenaFromDeployDockerfile(t *testing.T) {
	_, mounts := loadCompose(t)
	found := false
	for _, m := range mounts {
		if m.Service == "cadena" && m.Kind == "build" && filepath.Base(m.Source) == "Dockerfile" {
			found = true
			if _, err := os.Stat(filepath.Join(repoRoot, m.Source)); err != nil {
				t.Errorf("cadena is built from %s: %v", m.Source, err)
			}
			if filepath.Clean(m.Source) != filepath.Join("deploy", "Dockerfile") {
				t.Errorf("cadena is built from %s, want deploy/Dockerfile", m.Source)
			}
		}
	}
	if !found {
		t.Error("docker-compose.yml does not build the cadena service")
	}
}

func TestComposeServices(t *testing.T) {
	doc, _ := loadCompose(t)
	services := doc.(map[string]any)["services"].(map[string]any)
	for _, name := range []string{"kurrentdb", "cadena", "prometheus", "grafana"} {
		if _, ok := services[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	grafana, _ := services["grafana"].(map[string]any)
	env, _ := grafana["environment"].(map[string]any)
	if env["GF_AUTH_ANONYMOUS_ENABLED"] != "false" {
		t.Errorf("grafana GF_AUTH_ANONYMOUS_ENABLED = %v, want \"false\"", env["GF_AUTH_ANONYMOUS_ENABLED"])
	}
}

// containerFile maps a path inside a service's container back to the host
// file mounted there (directly, or through a mounted folder).
func containerFile(mounts []mount, service, target string) (string, bool) {
	for _, m := range mounts {
		if m.Service != service || m.Kind != "bind" {
			continue
		}
		if m.Target == target {
			return m.Source, true
		}
		if rel, ok := strings.CutPrefix(target, strings.TrimSuffix(m.Target, "/")+"/"); ok {
			return filepath.Join(m.Source, filepath.FromSlash(rel)), true
		}
	}
	return "", false
}

func TestPrometheusRuleFiles(t *testing.T) {
	_, mounts := loadCompose(t)
	const containerConfig = "/etc/prometheus/prometheus.yml"
	hostConfig, ok := containerFile(mounts, "prometheus", containerConfig)
	if !ok {
		t.Fatalf("prometheus service mounts nothing at %s", containerConfig)
	}
	cfg, ok := loadYAML(t, filepath.Join(repoRoot, hostConfig)).(map[string]any)
	if !ok {
		t.Fatal("prometheus.yml is not a mapping")
	}
	rules, _ := cfg["rule_files"].([]any)
	if len(rules) == 0 {
		t.Fatal("prometheus.yml has no rule_files")
	}
	for _, r := range rules {
		rf, _ := r.(string)
		// On the host, relative to prometheus.yml (as promtool resolves it).
		hostRule := filepath.Join(repoRoot, filepath.Dir(hostConfig), rf)
		if _, err := os.Stat(hostRule); err != nil {
			t.Errorf("rule file %s: %v", rf, err)
		}
		// In the container, relative to the config file, and mounted there.
		inContainer := rf
		if !path.IsAbs(rf) {
			inContainer = path.Join(path.Dir(containerConfig), rf)
		}
		src, ok := containerFile(mounts, "prometheus", inContainer)
		if !ok {
			t.Errorf("rule file %s is not mounted into the prometheus container at %s", rf, inContainer)
			continue
		}
		if filepath.Clean(src) != filepath.Clean(filepath.Join(filepath.Dir(hostConfig), rf)) {
			t.Errorf("container path %s is mounted from %s, but prometheus.yml next to it points at %s",
				inContainer, src, filepath.Join(filepath.Dir(hostConfig), rf))
		}
	}
	jobs := map[string]bool{}
	scrapes, _ := cfg["scrape_configs"].([]any)
	for _, s := range scrapes {
		m, _ := s.(map[string]any)
		if j, _ := m["job_name"].(string); j != "" {
			jobs[j] = true
		}
	}
	if !jobs["cadena"] {
		t.Error(`prometheus.yml has no scrape job "cadena" (the alerts and dashboards use up{job="cadena"})`)
	}
}

func TestGrafanaProvisioningPaths(t *testing.T) {
	_, mounts := loadCompose(t)
	prov := loadYAML(t, filepath.Join("grafana", "provisioning", "dashboards", "cadena.yml")).(map[string]any)
	providers, _ := prov["providers"].([]any)
	if len(providers) == 0 {
		t.Fatal("no dashboard providers")
	}
	for _, p := range providers {
		opts, _ := p.(map[string]any)["options"].(map[string]any)
		dir, _ := opts["path"].(string)
		src, ok := containerFile(mounts, "grafana", dir)
		if !ok {
			t.Errorf("dashboard provider path %s is not mounted into the grafana container", dir)
			continue
		}
		if filepath.Clean(src) != filepath.Join("deploy", "grafana", "dashboards") {
			t.Errorf("dashboard provider path %s is mounted from %s, want deploy/grafana/dashboards", dir, src)
		}
	}
	ds := loadYAML(t, filepath.Join("grafana", "provisioning", "datasources", "prometheus.yml")).(map[string]any)
	list, _ := ds["datasources"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["uid"] != "prometheus" {
		t.Errorf("want exactly one datasource with uid prometheus, got %v", list)
	}
}

func TestAlertRules(t *testing.T) {
	doc, ok := loadYAML(t, filepath.Join("prometheus", "alerts.yml")).(map[string]any)
	if !ok {
		t.Fatal("alerts.yml is not a mapping")
	}
	groups, _ := doc["groups"].([]any)
	n := 0
	for _, g := range groups {
		rules, _ := g.(map[string]any)["rules"].([]any)
		for _, r := range rules {
			rule, _ := r.(map[string]any)
			name, _ := rule["alert"].(string)
			if name == "" {
				continue // a recording rule
			}
			n++
			if expr, _ := rule["expr"].(string); strings.TrimSpace(expr) == "" {
				t.Errorf("%s: empty expr", name)
			}
			ann, _ := rule["annotations"].(map[string]any)
			for _, key := range []string{"summary", "description", "runbook"} {
				if s, _ := ann[key].(string); strings.TrimSpace(s) == "" {
					t.Errorf("%s: annotations.%s missing", name, key)
				}
			}
		}
	}
	if n < 5 {
		t.Errorf("found %d alerts, want at least 5", n)
	}
}

// devToken is the token documented in deploy/README.md; the example tokens
// file carries its sha256.
const devToken = "dev-admin-token-change-me"

func TestExampleTokensFile(t *testing.T) {
	var f struct {
		Tokens []struct {
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
			Role   string `json:"role"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join("cadena", "tokens.example.json"))), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Tokens) == 0 {
		t.Fatal("no tokens")
	}
	sum := sha256.Sum256([]byte(devToken))
	if got, want := f.Tokens[0].SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("sha256 = %s, want sha256(%q) = %s", got, devToken, want)
	}
	for _, tok := range f.Tokens {
		if tok.Name == "" || tok.Role == "" {
			t.Errorf("token %+v lacks a name or a role", tok)
		}
	}
}

// --- the checks themselves can fail --------------------------------------

func TestMissingHostPathsReportsMissingFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "present.yml"), []byte("x: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	compose := `
services:
  app:
    build:
      context: .
      dockerfile: missing/Dockerfile   # not there
    volumes:
      - ./present.yml:/etc/present.yml:ro
      - ./absent.yml:/etc/absent.yml:ro
      - data:/data
      - type: bind
        source: ./absent-dir
        target: /srv
  other:
    build: .
    volumes: ["./present.yml:/x:ro"]
volumes:
  data:
`
	got, err := missingHostPaths(compose, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"missing/Dockerfile", "./absent.yml", "./absent-dir"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("missing = %q, want %q", got, want)
	}

	undeclared := "services:\n  app:\n    volumes:\n      - nope:/data\n"
	if _, err := missingHostPaths(undeclared, dir); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("undeclared named volume: err = %v", err)
	}
}

func TestParseYAML(t *testing.T) {
	src := `# comment
a: 1
b: "two # not a comment"   # a comment
c:
  - x
  - 'it''s'
  - k: v
    l:
      - [p, "q r", 's']
d:
- same-indent
e:
f: http://host:9090/path
g: ./a:/b:ro
`
	got, err := parseYAML(src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"a": "1",
		"b": "two # not a comment",
		"c": []any{"x", "it's", map[string]any{"k": "v", "l": []any{[]any{"p", "q r", "s"}}}},
		"d": []any{"same-indent"},
		"e": nil,
		"f": "http://host:9090/path",
		"g": "./a:/b:ro",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	for _, bad := range []string{
		"a: &x 1\nb: *x\n",
		"a: |\n  text\n",
		"a: {b: 1}\n",
		"a: 1\n  b: 2\n",
		"a: 1\na: 2\n",
		"---\na: 1\n",
		"a:\n\t- 1\n",
	} {
		if _, err := parseYAML(bad); err == nil {
			t.Errorf("parseYAML(%q) accepted unsupported or invalid YAML", bad)
		}
	}
}
