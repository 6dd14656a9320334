package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
	"github.com/cadena-project/cadena/eventstore/storetest"
)

func TestConformance(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	open := func(t *testing.T) eventstore.Store {
		return mustOpen(t, url, postgres.Options{Schema: schema})
	}
	storetest.Run(t, storetest.Harness{
		New: open,
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			require.NoError(t, s.Close())
			return open(t)
		},
		Shared: true,
	})
}

// mustOpen opens a store that is closed when the test ends.
func mustOpen(t testing.TB, url string, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
