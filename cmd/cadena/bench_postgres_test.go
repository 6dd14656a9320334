package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestBenchPostgresBaseline: --postgres adds the baseline row, written
// into a temporary schema that is dropped afterwards.
func TestBenchPostgresBaseline(t *testing.T) {
	u := pgtest.URL(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--data", t.TempDir(), "--json", "--only", "store", "--writers", "1",
		"--duration", "150ms", "--connections", "4", "--postgres", u}, &stdout, &stderr)
	require.Equal(t, 0, code, "exit code; stderr: %s", stderr.String())
	var r benchReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &r), stdout.String())
	var pg []benchRow
	for _, row := range r.Rows {
		if row.Section == "postgres" {
			pg = append(pg, row)
		}
	}
	require.Len(t, pg, 1, "one baseline row")
	assert.Equal(t, "plain event table written by pgx, 4 writers", pg[0].Name)
	assert.Equal(t, "events", pg[0].Unit)
	assert.Positive(t, pg[0].Ops)
	assert.Zero(t, pg[0].Failures, pg[0].Note)

	conn, err := pgx.Connect(context.Background(), u)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var left int
	require.NoError(t, conn.QueryRow(context.Background(),
		`SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'cadena\_bench\_%'`).Scan(&left))
	assert.Zero(t, left, "the temporary schema is dropped")
}
