package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestImportXESIntoARunningServerTwice: the real XES log through
// --server, twice, appends once; a token that is not an admin's is
// refused in one line and appends nothing.
func TestImportXESIntoARunningServerTwice(t *testing.T) {
	path := sharedLog(t, "helpdesk.xes.gz")
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	tokenFile := func(name, tok string) string {
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, []byte(tok+"\n"), 0o600))
		return p
	}
	admin, member := tokenFile("admin.token", toks.Admin), tokenFile("member.token", toks.Sales)
	srv := startServer(t, e2eConfig(dir))

	out, errOut, code := runImportCLI(t, "--server", srv.base, "--token-file", member, "--format", "xes", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^cadena: import: .*403 Forbidden: .*only an admin may send a batch \(member "sales-team"\)[^\n]*\n$`, errOut)

	out, errOut, code = runImportCLI(t, "--server", srv.base, "--token-file", admin, "--format", "xes", path)
	require.Equal(t, 0, code, errOut)
	first := regexp.MustCompile(`issued (\d+) commands .*: (\d+) new, 0 imported before`).FindStringSubmatch(out)
	require.NotNil(t, first, out)
	assert.Equal(t, first[1], first[2], "every command new the first time")
	assert.Regexp(t, `\ndone in ([0-9]+h)?([0-9]+m)?[0-9]+(\.[0-9]+)?(ms|µs|s)\n$`, out, "the time taken, as a Go duration")

	out, errOut, code = runImportCLI(t, "--server", srv.base, "--token-file", admin, "--format", "xes", path)
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `: 0 new, \d+ imported before`, out)

	srv.stop(t)
	store, err := bolt.Open(filepath.Join(dir, "cadena.db"), bolt.Options{})
	require.NoError(t, err)
	defer store.Close()
	head, err := store.Head(context.Background())
	require.NoError(t, err)
	n, err := strconv.ParseUint(first[1], 10, 64)
	require.NoError(t, err)
	assert.Equal(t, n, head, "one event per command of the first import, nothing from the refused one or the second")
}

// TestImportThroughARateLimitedServer: a server with its rate limit on (as
// the demo and production servers run) answers an import's bursts of
// department look-ups 429; the import waits the Retry-After and goes on.
func TestImportThroughARateLimitedServer(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	tokenFile := filepath.Join(dir, "admin.token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(toks.Admin+"\n"), 0o600))
	var log strings.Builder
	log.WriteString("case,t,g\n")
	const groups = 12 // one look-up each, over the burst of 4
	for i := range groups {
		fmt.Fprintf(&log, "c%d,2020-01-01T10:00:%02dZ,G%d\n", i/2, i, i)
	}
	path := filepath.Join(dir, "groups.csv")
	require.NoError(t, os.WriteFile(path, []byte(log.String()), 0o600))
	cfg := e2eConfig(dir)
	cfg.guard.rateLimit, cfg.guard.rateBurst = 8, 4
	cfg.logLevel = "info" // the request lines, with their statuses
	srv := startServer(t, cfg)

	out, errOut, code := runImportCLI(t, "--server", srv.base, "--token-file", tokenFile, "--format", "csv",
		"--case", "case", "--time", "t", "--group", "g", path)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, fmt.Sprintf("%d departments, %d pairs, %d hand-offs", groups, groups/2, groups/2))
	assert.Contains(t, srv.Logs.String(), "status=429", "the limit was met and waited out, not missed")
}
