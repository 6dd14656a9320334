package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) eventstore.Store {
			return mustOpen(t, filepath.Join(t.TempDir(), "events.db"), bolt.Options{})
		},
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			path := s.(*bolt.Store).Path()
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return mustOpen(t, path, bolt.Options{})
		},
	})
}

// mustOpen opens a store that is closed when the test ends.
func mustOpen(t testing.TB, path string, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
