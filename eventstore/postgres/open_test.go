package postgres_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/postgres"
	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestOpenTogether starts several stores on a new schema at once, as
// replicas do: each migrates or finds the work done, and the migrations
// are recorded once.
func TestOpenTogether(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	const replicas = 6
	var wg sync.WaitGroup
	stores := make([]*postgres.Store, replicas)
	errs := make([]error, replicas)
	start := make(chan struct{})
	for i := range replicas {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = postgres.Open(context.Background(), pgtest.WithSchema(t, u, schema), postgres.Options{})
		})
	}
	close(start)
	wg.Wait()
	for i := range replicas {
		require.NoError(t, errs[i], "replica %d", i)
		defer stores[i].Close()
		assert.Equal(t, schema, stores[i].Schema())
	}
	conn, err := pgx.Connect(t.Context(), u)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n, dup int
	require.NoError(t, conn.QueryRow(t.Context(),
		"SELECT count(*), count(*) - count(DISTINCT version) FROM "+schema+".schema_migrations").Scan(&n, &dup))
	assert.Equal(t, 1, n, "migrations recorded")
	assert.Zero(t, dup)

	// Every replica appends to the one log.
	for i, s := range stores {
		_, err := s.Append(t.Context(), "together", eventstore.Exact(uint64(i)), eventstore.EventData{
			ID: eventstore.NewID(), Type: "test.happened.v1", Data: []byte(`{}`)})
		require.NoError(t, err)
	}
	head, err := stores[0].Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, uint64(replicas), head)
}

// TestNewerSchemaRefused: a schema migrated by a newer cadena is not
// touched.
func TestNewerSchemaRefused(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	mustOpen(t, u, postgres.Options{Schema: schema}).Close()
	conn, err := pgx.Connect(t.Context(), u)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), "INSERT INTO "+schema+".schema_migrations (version, name) VALUES (9999, 'future')")
	require.NoError(t, err)
	_, err = postgres.Open(t.Context(), u, postgres.Options{Schema: schema})
	assert.ErrorContains(t, err, "newer than this cadena knows")
}

// TestPasswordNeverShown: errors and logs of a store never carry the
// password of its URL.
func TestPasswordNeverShown(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	require.NoError(t, err)
	const secret = "s3cret-Password-42"
	u.User = url.UserPassword(u.User.Username(), secret)
	var logs bytes.Buffer
	opts := postgres.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}

	_, err = postgres.Open(t.Context(), u.String(), opts)
	require.Error(t, err, "a wrong password")
	assert.NotContains(t, err.Error(), secret)

	for _, bad := range []string{
		"postgres://user:" + secret + "@127.0.0.1:notaport/db",
		"postgres://user:" + secret + "@127.0.0.1:5432/db?pool_max_conns=many",
		"postgres://user:" + secret + "@127.0.0.1:5432/db?connect_timeout=soon",
	} {
		_, err := postgres.Open(t.Context(), bad, opts)
		if assert.Error(t, err) {
			assert.NotContains(t, err.Error(), secret)
		}
	}
	_, err = postgres.Open(t.Context(), pgtest.URL(t), postgres.Options{Schema: "Bad-Name"})
	assert.ErrorContains(t, err, "schema")
	assert.NotContains(t, logs.String(), secret)
}

// TestPasswordFromEnvironment: a URL without a password takes it from
// PGPASSWORD, as docker-compose.yml passes it.
func TestPasswordFromEnvironment(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	require.NoError(t, err)
	pw, ok := u.User.Password()
	if !ok {
		t.Skip("the server's URL has no password")
	}
	u.User = url.User(u.User.Username())
	t.Setenv("PGPASSWORD", pw)
	s := mustOpen(t, u.String(), postgres.Options{Schema: pgtest.Schema(t, pgtest.URL(t))})
	assert.NoError(t, s.Ready(t.Context()))
}

// TestNotificationWakesOtherStores: a subscription on one store follows
// the appends of another through LISTEN/NOTIFY alone (its polling is set
// to an hour).
func TestNotificationWakesOtherStores(t *testing.T) {
	u := pgtest.URL(t)
	schema := pgtest.Schema(t, u)
	writer := mustOpen(t, u, postgres.Options{Schema: schema})
	reader := mustOpen(t, u, postgres.Options{Schema: schema, PollInterval: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	appendOne := func(version int) {
		_, err := writer.Append(ctx, "notified", eventstore.Exact(uint64(version)), eventstore.EventData{
			ID: eventstore.NewID(), Type: "test.happened.v1", Data: []byte(`{}`)})
		require.NoError(t, err)
	}
	appendOne(0)
	n := 0
	for ev, err := range reader.Subscribe(ctx, 0) {
		require.NoError(t, err)
		n++
		assert.Equal(t, uint64(n), ev.Version)
		if n == 5 {
			break
		}
		// The subscription has read all there is and waits: only a
		// notification brings it the next event.
		appendOne(n)
	}
	assert.Equal(t, 5, n)
}

// TestLeastPrivilege: cadena needs no right to create schemas in the
// database. A role given a schema a DBA made for it migrates it, and a
// role that may only read and insert into tables another role migrated
// opens them and appends.
func TestLeastPrivilege(t *testing.T) {
	admin := pgtest.URL(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, admin)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	exec := func(sql string) {
		t.Helper()
		_, err := conn.Exec(ctx, sql)
		require.NoError(t, err, sql)
	}
	role, asRole := newRole(t, conn, admin)
	appendOne := func(s *postgres.Store) {
		t.Helper()
		_, err := s.Append(ctx, "least", eventstore.Any, anEvent())
		require.NoError(t, err)
	}

	// A schema the DBA made for the role, empty.
	given := pgtest.Schema(t, admin)
	exec("CREATE SCHEMA " + given + " AUTHORIZATION " + role)
	_, err = postgres.Open(ctx, asRole, postgres.Options{Schema: pgtest.Schema(t, admin)})
	require.ErrorContains(t, err, "permission denied", "the role may not create a schema")
	appendOne(mustOpen(t, asRole, postgres.Options{Schema: given}))

	// Tables migrated by the DBA; the role may only use them.
	used := pgtest.Schema(t, admin)
	mustOpen(t, admin, postgres.Options{Schema: used}).Close()
	exec("GRANT USAGE ON SCHEMA " + used + " TO " + role)
	exec("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA " + used + " TO " + role)
	s := mustOpen(t, asRole, postgres.Options{Schema: used})
	appendOne(s)
	appendOne(s)
	head, err := s.Head(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), head)
}

// newRole creates a login role, with no privileges, dropped when the test
// ends, and returns its name and the server's URL as that role.
func newRole(t *testing.T, conn *pgx.Conn, admin string) (string, string) {
	t.Helper()
	role := pgtest.Schema(t, admin) + "_role" // a random name
	_, err := conn.Exec(t.Context(), "CREATE ROLE "+role+" LOGIN PASSWORD 'role-password'")
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP OWNED BY "+role)
		c.Exec(context.Background(), "DROP ROLE "+role)
	})
	u, err := url.Parse(admin)
	require.NoError(t, err)
	u.User = url.UserPassword(role, "role-password")
	return role, u.String()
}

func anEvent() eventstore.EventData {
	return eventstore.EventData{ID: eventstore.NewID(), Type: "test.happened.v1", Data: []byte(`{}`)}
}

// TestReadOnlyServer: a server that takes no writes (a standby after a
// failover, default_transaction_read_only) makes appends fail with
// ErrUnavailable, a 503 to retry, and Ready fail, until it takes writes
// again; then both recover without reopening the store.
func TestReadOnlyServer(t *testing.T) {
	admin := pgtest.URL(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, admin)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	role, asRole := newRole(t, conn, admin)
	schema := pgtest.Schema(t, admin)
	mustOpen(t, admin, postgres.Options{Schema: schema}).Close()
	for _, q := range []string{
		"GRANT USAGE ON SCHEMA " + schema + " TO " + role,
		"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA " + schema + " TO " + role,
		"ALTER ROLE " + role + " SET default_transaction_read_only = on",
	} {
		_, err := conn.Exec(ctx, q)
		require.NoError(t, err, q)
	}
	s := mustOpen(t, asRole, postgres.Options{Schema: schema})
	_, err = s.Append(ctx, "read-only", eventstore.NoStream, anEvent())
	require.ErrorIs(t, err, eventstore.ErrUnavailable, "an append to a read-only server")
	require.ErrorIs(t, s.Ready(ctx), eventstore.ErrUnavailable, "Ready on a read-only server")

	// Writable again, for new sessions.
	_, err = conn.Exec(ctx, "ALTER ROLE "+role+" RESET default_transaction_read_only")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", role)
	require.NoError(t, err)
	for s.Ready(ctx) != nil {
		time.Sleep(10 * time.Millisecond) // until the pool reconnects
	}
	ev := anEvent()
	for {
		_, err := s.Append(ctx, "read-only", eventstore.NoStream, ev)
		if err == nil {
			break
		}
		require.ErrorIs(t, err, eventstore.ErrUnavailable)
	}
}
