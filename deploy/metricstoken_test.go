package deploy_test

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsTokenIsSharedByCadenaAndPrometheus: every cadena server of
// the stack requires a token on /metrics, and Prometheus scrapes cadena
// with the same file, mounted where prometheus.yml points.
func TestMetricsTokenIsSharedByCadenaAndPrometheus(t *testing.T) {
	doc, mounts := loadCompose(t)
	const containerConfig = "/etc/prometheus/prometheus.yml"
	hostConfig, ok := containerFile(mounts, "prometheus", containerConfig)
	require.True(t, ok, "prometheus mounts nothing at %s", containerConfig)
	cfg, ok := loadYAML(t, filepath.Join(repoRoot, hostConfig)).(map[string]any)
	require.True(t, ok)

	var credentials string
	scrapes, _ := cfg["scrape_configs"].([]any)
	for _, s := range scrapes {
		job, _ := s.(map[string]any)
		if job["job_name"] != "cadena" {
			continue
		}
		auth, _ := job["authorization"].(map[string]any)
		require.NotNil(t, auth, "the cadena scrape job has no authorization")
		assert.Equal(t, "Bearer", auth["type"])
		credentials, _ = auth["credentials_file"].(string)
	}
	require.NotEmpty(t, credentials, "the cadena scrape job has no authorization credentials_file")
	inContainer := credentials
	if !path.IsAbs(inContainer) {
		inContainer = path.Join(path.Dir(containerConfig), credentials)
	}
	promSource, ok := containerFile(mounts, "prometheus", inContainer)
	require.True(t, ok, "%s is not mounted into the prometheus container", inContainer)
	// promtool resolves it on the host relative to prometheus.yml, too.
	assert.Equal(t, filepath.Join(filepath.Dir(hostConfig), credentials), filepath.Clean(promSource))
	token := strings.TrimSpace(readFile(t, filepath.Join(repoRoot, promSource)))
	assert.NotEmpty(t, token)
	assert.NotContains(t, token, "\n", "one token on one line")

	services := doc.(map[string]any)["services"].(map[string]any)
	servers := 0
	for name, s := range services {
		svc, _ := s.(map[string]any)
		cmd, _ := svc["command"].([]any)
		if !slices.Contains(cmd, any("serve")) {
			continue
		}
		servers++
		i := slices.Index(cmd, any("--metrics-token-file"))
		require.True(t, i >= 0 && i+1 < len(cmd), "%s serves without --metrics-token-file", name)
		file, _ := cmd[i+1].(string)
		src, ok := containerFile(mounts, name, file)
		require.True(t, ok, "%s: %s is not mounted", name, file)
		assert.Equal(t, filepath.Clean(promSource), filepath.Clean(src), "%s reads another token than Prometheus sends", name)
	}
	assert.GreaterOrEqual(t, servers, 1)
}
