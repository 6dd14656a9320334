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
	project, mounts := loadCompose(t)
	const containerConfig = "/etc/prometheus/prometheus.yml"
	hostConfig, ok := containerFile(mounts, "prometheus", containerConfig)
	require.True(t, ok, "prometheus mounts nothing at %s", containerConfig)
	var cfg struct {
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			Authorization *struct {
				Type            string `yaml:"type"`
				CredentialsFile string `yaml:"credentials_file"`
			} `yaml:"authorization"`
		} `yaml:"scrape_configs"`
	}
	loadYAML(t, filepath.Join(repoRoot, hostConfig), &cfg)

	var credentials string
	for _, job := range cfg.ScrapeConfigs {
		if job.JobName != "cadena" {
			continue
		}
		require.NotNil(t, job.Authorization, "the cadena scrape job has no authorization")
		assert.Equal(t, "Bearer", job.Authorization.Type)
		credentials = job.Authorization.CredentialsFile
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

	servers := 0
	for name, svc := range project.Services {
		cmd := []string(svc.Command)
		if !slices.Contains(cmd, "serve") {
			continue
		}
		servers++
		i := slices.Index(cmd, "--metrics-token-file")
		require.True(t, i >= 0 && i+1 < len(cmd), "%s serves without --metrics-token-file", name)
		file := cmd[i+1]
		src, ok := containerFile(mounts, name, file)
		require.True(t, ok, "%s: %s is not mounted", name, file)
		assert.Equal(t, filepath.Clean(promSource), filepath.Clean(src), "%s reads another token than Prometheus sends", name)
	}
	assert.GreaterOrEqual(t, servers, 1)
}
