package esdb

import (
	"os"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

// TestConformance runs the shared suite against a KurrentDB server.
func TestConformance(t *testing.T) {
	url := os.Getenv("CADENA_ESDB_URL")
	if url == "" {
		t.Skip("set CADENA_ESDB_URL=esdb://localhost:2113?tls=false to run against KurrentDB")
	}
	open := func(t *testing.T) eventstore.Store {
		t.Helper()
		s, err := Open(t.Context(), url, Options{})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := s.Ready(t.Context()); err != nil {
			t.Fatalf("Ready: %v", err)
		}
		return s
	}
	storetest.Run(t, storetest.Harness{
		New:          open,
		IDsPerStream: true,
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return open(t)
		},
	})
}
