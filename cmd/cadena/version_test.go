package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionOfBuildInfo(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/cadena-project/cadena", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "4aa13720e347"}, {Key: "vcs.time", Value: "2026-12-01T11:01:26Z"},
			{Key: "vcs.modified", Value: "true"}}}
	v := versionOf(info, true)
	assert.Equal(t, buildVersion{Version: "v1.2.3", Revision: "4aa13720e347", Time: "2026-12-01T11:01:26Z", Modified: true, GoVersion: "go1.26.8"}, v)
	assert.Equal(t, "cadena v1.2.3 revision 4aa13720e347 (modified) of 2026-12-01T11:01:26Z, built with go1.26.8", v.String())
	assert.Equal(t, "cadena (devel) revision unknown, built with unknown", versionOf(nil, false).String())
}

func TestVersionCommandAndFlag(t *testing.T) {
	want := readBuildVersion().String() + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		assert.Equal(t, 0, code, "%v: %s", args, stderr.String())
		assert.Equal(t, want, stdout.String(), "%v", args)
	}
	var stderr bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), []string{"version", "extra"}, &bytes.Buffer{}, &stderr))
}

// TestBuiltBinaryKnowsItsRevision builds cadena from this checkout and
// checks that --version names the commit checked out.
func TestBuiltBinaryKnowsItsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	if fi, err := os.Stat(filepath.Join(root, ".git")); err != nil || !fi.IsDir() {
		t.Skip("not a git clone with a .git directory (a worktree, or an export): go stamps no revision")
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("git rev-parse HEAD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cadena")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/cadena")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "revision "+strings.TrimSpace(string(head)))
}

func TestBuildInfoGauge(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	writeTokensFile(t, cfg.tokens)
	srv := startServer(t, cfg)
	r, err := call(http.DefaultClient, "GET", srv.base+"/metrics", "", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.status)
	v := readBuildVersion()
	assert.Contains(t, string(r.body), `cadena_build_info{goversion="`+v.GoVersion+`",modified="`)
	assert.Contains(t, string(r.body), `revision="`+v.Revision+`",version="`+v.Version+`"} 1`)
}
