package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestBackupRestoreServesIdenticalFigures backs up a running server
// through the API while it takes writes, restores the copy into a new data
// directory, and checks that a server on it answers the same figures; a
// backup of the stopped directory is the whole log.
func TestBackupRestoreServesIdenticalFigures(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)
	t0 := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	at := func(m int) string { return t0.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	var last uint64 // the position of the last write, for reads that must see it
	for i := range 6 {
		id := fmt.Sprintf("laptop-%d", i)
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
			"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop", "occurred_at": at(i)})
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/accept", toks.IT, map[string]any{"occurred_at": at(i + 5)})
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/deliver", toks.IT, map[string]any{"occurred_at": at(i + 30 + 7*i)})
		last = s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/rating", toks.Sales, map[string]any{"score": 1 + i%5, "occurred_at": at(i + 90)}).position(t)
	}
	window := "?from=" + t0.Add(-24*time.Hour).Format("2006-01-02") + "&to=" + t0.Add(24*time.Hour).Format("2006-01-02")
	paths := []string{"/api/v1/pairs" + window, "/api/v1/pairs/it/sales" + window, "/api/v1/hotspots" + window,
		"/api/v1/departments/it/scorecard" + window, "/api/v1/handoffs?limit=50"}
	before := map[string]string{}
	for _, p := range paths {
		sep := "&"
		if !strings.Contains(p, "?") {
			sep = "?"
		}
		before[p] = string(s.must(t, http.StatusOK, "GET", p+sep+"min_position="+strconv.FormatUint(last, 10), toks.Admin, nil).body)
	}

	adminFile, salesFile := filepath.Join(dir, "admin.token"), filepath.Join(dir, "sales.token")
	require.NoError(t, os.WriteFile(adminFile, []byte(toks.Admin+"\n"), 0o600))
	require.NoError(t, os.WriteFile(salesFile, []byte(toks.Sales), 0o600))
	out := filepath.Join(t.TempDir(), "live.db")
	code, _, errOut := runCLI("backup", "--server", s.base, "--token-file", salesFile, out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the server answered 403 Forbidden: ")
	assert.NoFileExists(t, out)
	code, stdout, errOut := runCLI("backup", "--server", s.base, "--token-file", adminFile, out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "verified sound")
	info, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a backup holds every comment and rating: readable by its owner only")
	code, _, errOut = runCLI("backup", "--data", dir, filepath.Join(t.TempDir(), "x.db"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is in use by another cadena process")
	code, _, errOut = runCLI("backup", "--server", s.base, "--token-file", adminFile, out)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "already exists")
	s.stop(t)

	code, stdout, errOut = runCLI("verify", out)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "sound")
	cold := filepath.Join(t.TempDir(), "cold.db")
	code, _, errOut = runCLI("backup", "--data", dir, cold)
	require.Equal(t, 0, code, errOut)
	info, err = os.Stat(cold)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	restored := t.TempDir()
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(restored, storeFileName), b, 0o600))
	rcfg := e2eConfig(restored)
	rcfg.tokens = cfg.tokens
	r := startServer(t, rcfg)
	for _, p := range paths {
		assert.Equal(t, before[p], string(r.must(t, http.StatusOK, "GET", p, toks.Admin, nil).body), p)
	}
}

func TestBackupUsage(t *testing.T) {
	runCLICases(t, []cliCase{
		{"no out", []string{"backup", "--data", "d"}, 2, "", "cadena backup: want exactly one OUT file after the flags (run 'cadena help backup')"},
		{"neither", []string{"backup", "out.db"}, 2, "", "cadena backup: give either --server URL or --data DIR (run 'cadena help backup')"},
		{"no token", []string{"backup", "--server", "http://127.0.0.1:1", "out.db"}, 2, "", "cadena backup: --server needs --token-file (run 'cadena help backup')"},
		{"a server URL that does not parse, its password hidden", []string{"backup", "--server", "http://u:topsecret@[::1", "--token-file", "t", "out.db"}, 2, "",
			"cadena backup: --server \"http://xxxxx@[::1\": want http://host:port or https://host (run 'cadena help backup')"},
		{"a server URL that is not http", []string{"backup", "--server", "ftp://u:topsecret@127.0.0.1", "--token-file", "t", "out.db"}, 2, "",
			"cadena backup: --server \"ftp://u:xxxxx@127.0.0.1\": want http://host:port or https://host (run 'cadena help backup')"},
		{"help", []string{"help", "backup"}, 0, "--token-file", ""},
	})
}

// TestBackupOutRefusals checks the one-line refusals about OUT: in a
// missing directory it names OUT (not its temporary name), and an
// OUT.partial left by a backup that did not finish is named with what to
// do, left as it is.
func TestBackupOutRefusals(t *testing.T) {
	data := t.TempDir()
	store, err := openBoltStore(data, bolt.Options{})
	require.NoError(t, err)
	require.NoError(t, store.Close())
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing", "backup.db")
	out := filepath.Join(dir, "backup.db")
	require.NoError(t, os.WriteFile(out+".partial", []byte("half"), 0o600))
	runCLICases(t, []cliCase{
		{"a missing directory", []string{"backup", "--data", data, missing}, 1, "",
			"cadena: backup: open " + missing + ": no such file or directory"},
		{"a partial file left", []string{"backup", "--data", data, out}, 1, "",
			"cadena: backup: " + out + ".partial exists, left by a backup that did not finish: remove it, or give another OUT"},
	})
	got, err := os.ReadFile(out + ".partial")
	require.NoError(t, err)
	assert.Equal(t, "half", string(got), "the partial file is left as it was")
	assert.NoFileExists(t, out)
}

// TestBackupFromAServerThatIsNotCadena: an answer that is not cadena's
// (no problem document) is named by its status alone, and no file is made.
func TestBackupFromAServerThatIsNotCadena(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>no such page</html>", http.StatusNotFound)
	}))
	defer other.Close()
	dir := t.TempDir()
	tok := filepath.Join(dir, "admin.token")
	require.NoError(t, os.WriteFile(tok, []byte("cdn_x\n"), 0o600))
	out := filepath.Join(dir, "b.db")
	runCLICases(t, []cliCase{
		{"404 without a problem", []string{"backup", "--server", other.URL, "--token-file", tok, out}, 1, "",
			"cadena: backup: the server answered 404 Not Found (not a cadena problem document)"},
	})
	assert.NoFileExists(t, out)
	assert.NoFileExists(t, out+".partial")
}
