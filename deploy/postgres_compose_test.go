package deploy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// composeService is the part of a compose service these checks read.
type composeService struct {
	Image       string            `yaml:"image"`
	Profiles    []string          `yaml:"profiles"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   any               `yaml:"depends_on"` // a list, or a map of conditions
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

func loadComposeFile(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	require.NoError(t, err)
	var f composeFile
	require.NoError(t, yaml.Unmarshal(b, &f))
	return f
}

// TestComposePostgresProfile: the postgres profile runs PostgreSQL with a
// named volume and a readiness check, and two cadena replicas on it that
// wait for it, take its password from the environment (never the URL),
// and listen on ports of their own.
func TestComposePostgresProfile(t *testing.T) {
	f := loadComposeFile(t)
	pg, ok := f.Services["postgres"]
	require.True(t, ok, "service postgres missing")
	assert.Contains(t, pg.Profiles, "postgres")
	assert.True(t, strings.HasPrefix(pg.Image, "postgres:"), "image %q", pg.Image)
	assert.NotEmpty(t, pg.Environment["POSTGRES_PASSWORD"])
	assert.Equal(t, "cadena", pg.Environment["POSTGRES_DB"])
	assert.Contains(t, pg.Healthcheck.Test, "pg_isready")
	require.Len(t, pg.Volumes, 1)
	volume, target, _ := strings.Cut(pg.Volumes[0], ":")
	assert.Equal(t, "/var/lib/postgresql/data", target)
	assert.Contains(t, f.Volumes, volume, "the data volume is declared")

	var replicas []string
	for name, svc := range f.Services {
		i := slices.Index(svc.Command, "--store")
		if i < 0 || i+1 == len(svc.Command) || !strings.HasPrefix(svc.Command[i+1], "postgres://") {
			continue
		}
		replicas = append(replicas, name)
		url := svc.Command[i+1]
		assert.Contains(t, svc.Profiles, "postgres", name)
		assert.Equal(t, "cadena:local", svc.Image, name)
		assert.Contains(t, url, "@postgres:5432/"+pg.Environment["POSTGRES_DB"], name)
		user, _, _ := strings.Cut(strings.TrimPrefix(url, "postgres://"), "@")
		assert.NotContains(t, user, ":", "%s: the password is in the URL", name)
		assert.Equal(t, pg.Environment["POSTGRES_PASSWORD"], svc.Environment["PGPASSWORD"], name)
		assert.Equal(t, "service_healthy", dependsOnCondition(svc, "postgres"), name)
		assert.Contains(t, svc.Command, "--tokens", name)
	}
	assert.Len(t, replicas, 2, "cadena replicas on PostgreSQL")
	seen := map[string]string{}
	for _, name := range replicas {
		for _, p := range f.Services[name].Ports {
			host, _, _ := strings.Cut(p, ":")
			assert.Empty(t, seen[host], "%s and %s both publish port %s", name, seen[host], host)
			seen[host] = name
		}
	}
}

// dependsOnCondition returns the condition on which svc waits for dep, ""
// when it names none.
func dependsOnCondition(svc composeService, dep string) string {
	m, _ := svc.DependsOn.(map[string]any)
	d, _ := m[dep].(map[string]any)
	c, _ := d["condition"].(string)
	return c
}
