package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

func TestStoreKinds(t *testing.T) {
	tests := []struct {
		url, kind string
	}{
		{"postgres://cadena@db:5432/cadena", "postgres"},
		{"postgresql://cadena@db/cadena?sslmode=verify-full", "postgres"},
		{"esdb://localhost:2113?tls=false", "esdb"},
		{"kurrentdb://localhost:2113", "esdb"},
		{"mysql://db/cadena", ""},
	}
	for _, tt := range tests {
		k, ok := lookupStoreKind(tt.url)
		assert.Equal(t, tt.kind != "", ok, tt.url)
		assert.Equal(t, tt.kind, k.name, tt.url)
	}
}

// TestStoreURLPasswordNotShown: a --store URL that cannot be used is named
// in the error without its password.
func TestStoreURLPasswordNotShown(t *testing.T) {
	dir := t.TempDir()
	writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	for _, u := range []string{"postgress://cadena:hunter2@db/cadena", "postgres://cadena:hunter2@127.0.0.1:notaport/cadena", "postgres://cadena:hunter2@[bad/db",
		"postgress://cadena@db/cadena?password=hunter2", "postgress://cadena@db/cadena?sslmode=disable&sslpassword=hunter2",
		"postgres://cadena@127.0.0.1:notaport/cadena?password=hunter2"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"serve", "--tokens", filepath.Join(dir, "tokens.json"), "--store", u}, &stdout, &stderr)
		assert.Equal(t, 1, code, u)
		assert.NotContains(t, stderr.String(), "hunter2", u)
		assert.NotEmpty(t, stderr.String(), u)
		if u == "postgress://cadena:hunter2@db/cadena" {
			assert.Equal(t, "cadena: --store \"postgress://cadena:xxxxx@db/cadena\": want a connection string starting with esdb://, esdb+discover://, kurrentdb://, postgres:// or postgresql://\n",
				stderr.String(), "every scheme --store takes")
		}
	}
	assert.Equal(t, "postgres://cadena:xxxxx@db/cadena", redactURL("postgres://cadena:hunter2@db/cadena"))
	assert.Equal(t, "postgres://...", redactURL("postgres://cadena:hunter2@[bad/db"))
	// libpq takes a password in the query too (password, sslpassword).
	assert.Equal(t, "postgres://cadena@db/cadena?sslmode=disable&password=xxxxx",
		redactURL("postgres://cadena@db/cadena?sslmode=disable&password=hunter2"))
	assert.Equal(t, "postgres://cadena:xxxxx@db/cadena?sslpassword=xxxxx&PASSWORD=xxxxx",
		redactURL("postgres://cadena:a@db/cadena?sslpassword=hunter2&PASSWORD=b"))
}

// TestImportIntoPostgres: "cadena import --store postgres://..." imports
// through the application service like the embedded store.
func TestImportIntoPostgres(t *testing.T) {
	u := pgtest.URL(t)
	storeURL := pgtest.WithSchema(t, u, pgtest.Schema(t, u))
	csv := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(csv, []byte(`case:concept:name,concept:name,org:group,time:timestamp
c1,Register,Front Office,2011-10-11 09:00:00+02:00
c1,Review,Back Office,2011-10-11 10:00:00+02:00
c1,Close,Front Office,2011-10-11 12:00:00+02:00
`), 0o600))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"import", "--store", storeURL, "--format", "receipt-csv", csv}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "2 hand-offs")
	assert.Contains(t, stdout.String(), "appended 8 events")

	s, err := postgres.Open(context.Background(), storeURL, postgres.Options{})
	require.NoError(t, err)
	defer s.Close()
	head, err := s.Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(8), head, "the schema is new: the log holds what was imported")

	stdout.Reset()
	code = run(context.Background(), []string{"import", "--store", storeURL, "--format", "csv", csv}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stdout.String(), "appended 0 events", "the same file again appends nothing")
	head, err = s.Head(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(8), head)

	code = run(context.Background(), []string{"import", "--store", storeURL, "--data", t.TempDir(), "--format", "receipt-csv", csv}, &stdout, &stderr)
	assert.Equal(t, 1, code, "--data and --store together")
}

// demoOutput is the standard output of "cadena demo": it calls ready with
// the server's base URL once the demo has printed its tokens.
type demoOutput struct {
	testkit.SyncBuffer
	ready func(base string)
	once  sync.Once
}

var demoReadyURL = regexp.MustCompile(`cadena demo is ready: (\S+)/\n`)

func (o *demoOutput) Write(p []byte) (int, error) {
	n, err := o.SyncBuffer.Write(p)
	if text := o.String(); strings.Contains(text, "tokens file: ") {
		if m := demoReadyURL.FindStringSubmatch(text); m != nil {
			o.once.Do(func() { o.ready(m[1]) })
		}
	}
	return n, err
}

// TestDemoOnPostgres: "cadena demo --store postgres://..." (as its flags
// offer) seeds the demo organisation into the database and serves it, as
// on the embedded store, and never prints the URL's password.
func TestDemoOnPostgres(t *testing.T) {
	u := pgtest.URL(t)
	storeURL := pgtest.WithSchema(t, u, pgtest.Schema(t, u))
	out := &demoOutput{}
	srv := testkit.Start(t, func(ctx context.Context, logs io.Writer, ready func(string)) error {
		out.ready = ready
		return runDemo(ctx, []string{"--store", storeURL, "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--live-every", "0"}, out, logs)
	})
	s := &testServer{Server: srv, base: srv.Base}
	admin := regexp.MustCompile(`admin token: +(\S+)`).FindStringSubmatch(out.String())
	require.NotNil(t, admin, "%s", out.String())
	assert.Contains(t, out.String(), "seeded 12 departments, 3 calendars")
	if parsed, err := url.Parse(storeURL); err == nil {
		if pw, ok := parsed.User.Password(); ok {
			assert.NotContains(t, out.String()+srv.Logs.String(), pw, "the password is never shown")
		}
	}

	cals := s.must(t, http.StatusOK, "GET", "/api/v1/calendars", admin[1], nil).json(t)
	assert.Len(t, cals["calendars"], 3)
	hot := s.must(t, http.StatusOK, "GET", "/api/v1/hotspots?limit=100", admin[1], nil).json(t)
	var pairs []string
	for _, h := range hot["hotspots"].([]any) {
		h := h.(map[string]any)
		pairs = append(pairs, h["supplier"].(string)+"->"+h["customer"].(string))
	}
	assert.Contains(t, pairs, "legal->sales", "the demo's hotspot")
}
