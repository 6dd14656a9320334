package bolt_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

func TestConformance(t *testing.T) {
	// RecentIDs 3 writes the ID index to disk every few commits, and reads
	// it back from the log on reopen.
	for _, opts := range []bolt.Options{{}, {RecentIDs: 3}} {
		t.Run(fmt.Sprintf("RecentIDs=%d", opts.RecentIDs), func(t *testing.T) {
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) eventstore.Store {
					return mustOpen(t, filepath.Join(t.TempDir(), "events.db"), opts)
				},
				Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
					path := s.(*bolt.Store).Path()
					require.NoError(t, s.Close())
					return mustOpen(t, path, opts)
				},
			})
		})
	}
}

// mustOpen opens a store that is closed when the test ends.
func mustOpen(t testing.TB, path string, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
