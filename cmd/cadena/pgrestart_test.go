package main

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// TestPostgresRestartUnderLoad stops and starts the PostgreSQL server under
// a cadena server taking writes from eight clients: while the database is
// down, writes and /readyz answer 503 (the server does not exit); once it
// is back, the server recovers by itself, and every write answered 2xx,
// before, during or after, is there. A 503 is a store-unavailable problem,
// and neither it nor the log ever shows the database's password.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	c := pgtest.NewCluster(t)
	u, err := url.Parse(c.URL)
	require.NoError(t, err)
	password, _ := u.User.Password()
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, postgresConfig(dir, c.URL))
	for _, d := range []string{"it", "sales"} {
		s.must(t, http.StatusCreated, "PUT", "/api/v1/departments/"+d, toks.Admin, map[string]any{"name": d})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 60 * time.Second}
	defer client.CloseIdleConnections()

	var (
		mu       sync.Mutex
		acked    []string
		last     uint64
		okCount  atomic.Int64
		unavail  atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		progress = make(chan struct{}, 1)
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("restart-%d-%d", w, i)
				r, err := call(client, "POST", s.base+"/api/v1/handoffs", toks.Sales, map[string]any{
					"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "under a restart"})
				if !assert.NoError(t, err, "the server stays up") {
					return
				}
				switch {
				case r.status == http.StatusCreated:
					mu.Lock()
					acked = append(acked, id)
					last = max(last, r.position(t))
					mu.Unlock()
					okCount.Add(1)
				case r.status == http.StatusServiceUnavailable:
					assert.Equal(t, "10", r.header.Get("Retry-After"))
					assert.Equal(t, "application/problem+json", r.header.Get("Content-Type"), "503: %s", r.body)
					assert.Contains(t, string(r.body), `"type":"urn:cadena:problem:store-unavailable"`, "503")
					if password != "" {
						assert.NotContains(t, string(r.body), password, "a 503 shows the database's password")
					}
					unavail.Add(1)
				default:
					t.Errorf("POST %s: status %d: %s", id, r.status, r.body)
					return
				}
				select {
				case progress <- struct{}{}:
				default:
				}
			}
		})
	}
	// waitFor waits, as the clients make progress, until cond holds.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.After(60 * time.Second)
		for !cond() {
			select {
			case <-progress:
			case <-time.After(50 * time.Millisecond): // /readyz changes without a write
			case <-deadline:
				t.Fatalf("waited 60s for %s", what)
			}
		}
	}
	readyz := func() int {
		r, err := call(client, "GET", s.base+"/readyz", "", nil)
		require.NoError(t, err)
		return r.status
	}
	waitFor("writes before the restart", func() bool { return okCount.Load() >= 40 })

	c.Stop(t)
	waitFor("503 for writes while the database is down", func() bool { return unavail.Load() > 0 })
	waitFor("/readyz 503 while the database is down", func() bool { return readyz() == http.StatusServiceUnavailable })
	before := okCount.Load()

	c.Start(t)
	waitFor("/readyz 200 once the database is back", func() bool { return readyz() == http.StatusOK })
	waitFor("writes after the restart", func() bool { return okCount.Load() >= before+40 })
	close(stop)
	wg.Wait()
	t.Logf("%d writes acknowledged, %d answered 503", okCount.Load(), unavail.Load())

	if password != "" {
		assert.NotContains(t, s.Logs.String(), password, "the log shows the database's password")
	}

	// The server still runs, and has every acknowledged write.
	select {
	case <-s.Exited():
		t.Fatal("serve returned while the database restarted")
	default:
	}
	for _, id := range acked {
		s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/handoffs/%s?min_position=%d", id, last), toks.Sales, nil)
	}
	listed := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/handoffs?limit=500&min_position=%d", last), toks.Admin, nil).json(t)
	hs, _ := listed["handoffs"].([]any)
	assert.GreaterOrEqual(t, len(hs), min(len(acked), 500), "the projections have every acknowledged hand-off")
}
