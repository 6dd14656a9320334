package esdb

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

// TestConformanceFake runs the shared suite against the in-memory imitation
// of KurrentDB (fake_test.go), so the adapter's contract is checked by every
// go test. Stores made by one harness share one imitated server, as they
// would share a real one; Reopen gives a new client over it.
func TestConformanceFake(t *testing.T) {
	db := newMemDB(t)
	open := func(t *testing.T) eventstore.Store {
		f := &memFactory{db: db}
		return newStore(f.newClient, Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}, discard)
	}
	storetest.Run(t, storetest.Harness{
		New: open,
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			require.NoError(t, s.Close(), "Close")
			return open(t)
		},
		Shared: true,
	})
}

// TestConformance runs the shared suite against a KurrentDB server.
func TestConformance(t *testing.T) {
	url := os.Getenv("CADENA_ESDB_URL")
	if url == "" {
		t.Skip("set CADENA_ESDB_URL=esdb://localhost:2113?tls=false to run against KurrentDB")
	}
	open := func(t *testing.T) eventstore.Store {
		t.Helper()
		s, err := Open(t.Context(), url, Options{})
		require.NoError(t, err, "Open")
		require.NoError(t, s.Ready(t.Context()), "Ready")
		return s
	}
	storetest.Run(t, storetest.Harness{
		New: open,
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			require.NoError(t, s.Close(), "Close")
			return open(t)
		},
		Shared: true,
	})
}
