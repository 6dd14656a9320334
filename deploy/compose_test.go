package deploy_test

// Checks that the deployment files in this folder and the top-level
// docker-compose.yml fit together: every file the stack mounts or builds from
// exists, Prometheus finds its rule files inside its container, and every
// rule carries the annotations an on-call person needs. docker-compose.yml is
// read by the compose specification's own loader (compose-go), the other
// files by a YAML decoder into the fields the checks need.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// repoRoot is where docker-compose.yml lives; go test runs in this folder.
const repoRoot = ".."

// mount is one file or folder the compose file takes from the host.
type mount struct {
	Service string
	Source  string // host path, relative to the compose file's folder
	Target  string // path inside the container ("" for a build file)
	Kind    string // "bind", "build" (a Dockerfile or build context), "file" (env_file, configs, secrets)
}

// loadComposeText loads a compose document the way docker compose does,
// with every profile enabled, relative to dir. The loader refuses what
// compose would (a named volume not declared at the top level, say).
func loadComposeText(text, dir string) (*types.Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  abs,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(abs, "docker-compose.yml"), Content: []byte(text)}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) {
		o.SetProjectName("cadena", true)
		o.Profiles = []string{"*"}
	})
}

// hostPaths lists every host path the project refers to: bind mounts,
// build contexts and their Dockerfiles, env_files, and top-level
// configs/secrets files, relative to the project's folder.
func hostPaths(p *types.Project) ([]mount, error) {
	rel := func(abs string) (string, error) {
		if !filepath.IsAbs(abs) {
			return abs, nil
		}
		return filepath.Rel(p.WorkingDir, abs)
	}
	var out []mount
	add := func(service, abs, target, kind string) error {
		r, err := rel(abs)
		if err != nil {
			return err
		}
		out = append(out, mount{service, r, target, kind})
		return nil
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range p.Services {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		svc := p.Services[name]
		if b := svc.Build; b != nil {
			df := b.Dockerfile
			if df == "" {
				df = "Dockerfile"
			}
			if !filepath.IsAbs(df) {
				df = filepath.Join(b.Context, df)
			}
			if err := add(name, b.Context, "", "build"); err != nil {
				return nil, err
			}
			if err := add(name, df, "", "build"); err != nil {
				return nil, err
			}
		}
		for _, ef := range svc.EnvFiles {
			if err := add(name, ef.Path, "", "file"); err != nil {
				return nil, err
			}
		}
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeBind {
				if err := add(name, v.Source, v.Target, "bind"); err != nil {
					return nil, err
				}
			}
		}
	}
	for key, c := range p.Configs {
		if c.File != "" {
			if err := add("configs."+key, c.File, "", "file"); err != nil {
				return nil, err
			}
		}
	}
	for key, s := range p.Secrets {
		if s.File != "" {
			if err := add("secrets."+key, s.File, "", "file"); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// missingHostPaths loads compose text and returns the host paths it refers
// to that do not exist under baseDir.
func missingHostPaths(composeText, baseDir string) ([]string, error) {
	p, err := loadComposeText(composeText, baseDir)
	if err != nil {
		return nil, err
	}
	mounts, err := hostPaths(p)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, m := range mounts {
		if _, err := os.Stat(filepath.Join(baseDir, m.Source)); err != nil {
			missing = append(missing, m.Source)
		}
	}
	return missing, nil
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// loadYAML decodes a YAML file into v, a struct naming the fields the
// check reads.
func loadYAML(t *testing.T, name string, v any) {
	t.Helper()
	require.NoError(t, yaml.Unmarshal([]byte(readFile(t, name)), v), name)
}

func loadCompose(t *testing.T) (*types.Project, []mount) {
	t.Helper()
	p, err := loadComposeText(readFile(t, filepath.Join(repoRoot, "docker-compose.yml")), repoRoot)
	require.NoError(t, err, "docker-compose.yml")
	mounts, err := hostPaths(p)
	require.NoError(t, err, "docker-compose.yml")
	return p, mounts
}

func TestComposeHostPathsExist(t *testing.T) {
	missing, err := missingHostPaths(readFile(t, filepath.Join(repoRoot, "docker-compose.yml")), repoRoot)
	require.NoError(t, err)
	assert.Empty(t, missing, "docker-compose.yml refers to host paths that do not exist")
}

func TestComposeBuildsCadenaFromDeployDockerfile(t *testing.T) {
	_, mounts := loadCompose(t)
	var dockerfiles []string
	for _, m := range mounts {
		if m.Service == "cadena" && m.Kind == "build" && filepath.Base(m.Source) == "Dockerfile" {
			dockerfiles = append(dockerfiles, filepath.Clean(m.Source))
		}
	}
	assert.Equal(t, []string{filepath.Join("deploy", "Dockerfile")}, dockerfiles, "the cadena service's Dockerfile")
}

// composeServices is what docker-compose.yml must hold: one row per
// service. A service the table does not name fails TestComposeServices, so
// a new service comes with its row.
var composeServices = []struct {
	name     string
	profiles []string          // nil: started by a plain `docker compose up`
	image    string            // the image it runs or the one it builds
	env      map[string]string // environment entries that must have these values
}{
	{name: "kurrentdb", image: "docker.kurrent.io/kurrent-latest/kurrentdb:latest",
		env: map[string]string{"KURRENTDB_MAX_APPEND_SIZE": "4194304"}},
	{name: "cadena", image: "cadena:local"},
	{name: "cadena-replica-1", profiles: []string{"replicas"}, image: "cadena:local"},
	{name: "cadena-replica-2", profiles: []string{"replicas"}, image: "cadena:local"},
	{name: "postgres", profiles: []string{"postgres"}, image: "postgres:17"},
	{name: "cadena-postgres-1", profiles: []string{"postgres"}, image: "cadena:local"},
	{name: "cadena-postgres-2", profiles: []string{"postgres"}, image: "cadena:local"},
	{name: "prometheus", image: "prom/prometheus:v3.5.0"},
	{name: "alertmanager", image: "prom/alertmanager:v0.28.1"},
	{name: "grafana", image: "grafana/grafana:11.6.0",
		env: map[string]string{"GF_AUTH_ANONYMOUS_ENABLED": "false", "GF_SECURITY_ADMIN_PASSWORD": "admin"}},
}

func TestComposeServices(t *testing.T) {
	p, _ := loadCompose(t)
	var want []string
	for _, tc := range composeServices {
		want = append(want, tc.name)
		t.Run(tc.name, func(t *testing.T) {
			svc, ok := p.Services[tc.name]
			require.True(t, ok, "service %s missing from docker-compose.yml", tc.name)
			assert.Equal(t, tc.profiles, svc.Profiles, "profiles")
			assert.Equal(t, tc.image, svc.Image, "image")
			for k, v := range tc.env {
				got := svc.Environment[k]
				if assert.NotNil(t, got, "environment %s", k) {
					assert.Equal(t, v, *got, "environment %s", k)
				}
			}
		})
	}
	assert.ElementsMatch(t, want, p.ServiceNames(), "services: add a row to composeServices for a new one")
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
	require.True(t, ok, "prometheus service mounts nothing at %s", containerConfig)
	var cfg struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName string `yaml:"job_name"`
		} `yaml:"scrape_configs"`
	}
	loadYAML(t, filepath.Join(repoRoot, hostConfig), &cfg)
	require.NotEmpty(t, cfg.RuleFiles, "prometheus.yml has no rule_files")
	for _, rf := range cfg.RuleFiles {
		// On the host, relative to prometheus.yml (as promtool resolves it).
		hostRule := filepath.Join(filepath.Dir(hostConfig), rf)
		_, err := os.Stat(filepath.Join(repoRoot, hostRule))
		assert.NoError(t, err, "rule file %s", rf)
		// In the container, relative to the config file, and mounted there.
		inContainer := rf
		if !path.IsAbs(rf) {
			inContainer = path.Join(path.Dir(containerConfig), rf)
		}
		src, ok := containerFile(mounts, "prometheus", inContainer)
		if !assert.True(t, ok, "rule file %s is not mounted into the prometheus container at %s", rf, inContainer) {
			continue
		}
		assert.Equal(t, filepath.Clean(hostRule), filepath.Clean(src),
			"container path %s is mounted from another file than the one prometheus.yml next to it points at", inContainer)
	}
	var jobs []string
	for _, s := range cfg.ScrapeConfigs {
		jobs = append(jobs, s.JobName)
	}
	assert.Contains(t, jobs, "cadena", `prometheus.yml has no scrape job "cadena" (the alerts and dashboards use up{job="cadena"})`)
}

func TestGrafanaProvisioningPaths(t *testing.T) {
	_, mounts := loadCompose(t)
	var prov struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	loadYAML(t, filepath.Join("grafana", "provisioning", "dashboards", "cadena.yml"), &prov)
	require.NotEmpty(t, prov.Providers, "no dashboard providers")
	for _, p := range prov.Providers {
		dir := p.Options.Path
		src, ok := containerFile(mounts, "grafana", dir)
		if !assert.True(t, ok, "dashboard provider path %s is not mounted into the grafana container", dir) {
			continue
		}
		assert.Equal(t, filepath.Join("deploy", "grafana", "dashboards"), filepath.Clean(src), "dashboard provider path %s is mounted from", dir)
	}
	var ds struct {
		Datasources []struct {
			UID string `yaml:"uid"`
		} `yaml:"datasources"`
	}
	loadYAML(t, filepath.Join("grafana", "provisioning", "datasources", "prometheus.yml"), &ds)
	require.Len(t, ds.Datasources, 1, "want exactly one datasource")
	assert.Equal(t, "prometheus", ds.Datasources[0].UID, "the datasource's uid")
}

func TestAlertRules(t *testing.T) {
	var doc struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	loadYAML(t, filepath.Join("prometheus", "alerts.yml"), &doc)
	n := 0
	for _, g := range doc.Groups {
		for _, rule := range g.Rules {
			if rule.Alert == "" {
				continue // a recording rule
			}
			n++
			assert.NotEmpty(t, strings.TrimSpace(rule.Expr), "%s: empty expr", rule.Alert)
			for _, key := range []string{"summary", "description", "runbook"} {
				assert.NotEmpty(t, strings.TrimSpace(rule.Annotations[key]), "%s: annotations.%s missing", rule.Alert, key)
			}
		}
	}
	assert.GreaterOrEqual(t, n, 5, "alerts in alerts.yml")
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
	require.NoError(t, json.Unmarshal([]byte(readFile(t, filepath.Join("cadena", "tokens.example.json"))), &f))
	require.NotEmpty(t, f.Tokens, "no tokens")
	sum := sha256.Sum256([]byte(devToken))
	assert.Equal(t, hex.EncodeToString(sum[:]), f.Tokens[0].SHA256, "sha256(%q)", devToken)
	for _, tok := range f.Tokens {
		assert.True(t, tok.Name != "" && tok.Role != "", "token %+v lacks a name or a role", tok)
	}
}

// --- the checks themselves can fail --------------------------------------

func TestMissingHostPathsReportsMissingFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "present.yml"), []byte("x: 1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644))
	compose := `
services:
  app:
    image: app
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
    image: other
    build: .
    volumes: ["./present.yml:/x:ro"]
volumes:
  data:
`
	got, err := missingHostPaths(compose, dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"missing/Dockerfile", "absent.yml", "absent-dir"}, got)

	undeclared := "services:\n  app:\n    image: app\n    volumes:\n      - nope:/data\n"
	_, err = missingHostPaths(undeclared, dir)
	if assert.Error(t, err, "undeclared named volume") {
		assert.Contains(t, err.Error(), "nope")
	}
}
