package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	for _, u := range []string{"postgress://cadena:hunter2@db/cadena", "postgres://cadena:hunter2@127.0.0.1:notaport/cadena", "postgres://cadena:hunter2@[bad/db"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"serve", "--tokens", filepath.Join(dir, "tokens.json"), "--store", u}, &stdout, &stderr)
		assert.Equal(t, 1, code, u)
		assert.NotContains(t, stderr.String(), "hunter2", u)
		assert.NotEmpty(t, stderr.String(), u)
	}
	assert.Equal(t, "postgres://cadena:xxxxx@db/cadena", redactURL("postgres://cadena:hunter2@db/cadena"))
	assert.Equal(t, "postgres://...", redactURL("postgres://cadena:hunter2@[bad/db"))
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
