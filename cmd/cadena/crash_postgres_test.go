package main

import (
	"testing"

	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestServeCrashPostgres is TestServeCrash on a PostgreSQL schema: the
// server is killed with SIGKILL under load, and every write it
// acknowledged is in the database after the restart.
func TestServeCrashPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	u := pgtest.URL(t)
	testServeCrash(t, pgtest.WithSchema(t, u, pgtest.Schema(t, u)))
}
