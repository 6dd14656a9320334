package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
	assert.Regexp(t, `\ndone in [0-9.]+m?s\n$`, out, "the time taken")

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
