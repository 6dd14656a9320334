package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/postgres/pgtest"
)

// postgresConfig is e2eConfig on a PostgreSQL schema instead of a bolt
// file: a replica of a deployment that shares the database.
func postgresConfig(dir, storeURL string) serveConfig {
	cfg := e2eConfig(dir)
	cfg.data, cfg.store = "", storeURL
	return cfg
}

// TestTwoReplicasConverge runs two servers on one PostgreSQL schema and
// sends 16 clients' commands on the same hand-offs through both: pause
// and resume at random, so that they race and many lose (409), and some
// sent twice with the same Idempotency-Key through the other replica.
// Every command answered 2xx is in the hand-off's timeline exactly once,
// no other is, and both replicas then serve the same figures.
func TestTwoReplicasConverge(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two servers and several hundred commands")
	}
	u := pgtest.URL(t)
	storeURL := pgtest.WithSchema(t, u, pgtest.Schema(t, u))
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	replicas := []*testServer{startServer(t, postgresConfig(dir, storeURL)), startServer(t, postgresConfig(dir, storeURL))}
	setUpOrganisation(t, replicas[0], toks)

	const handoffs, clients, perClient = 12, 16, 30
	ids := make([]string, handoffs)
	for i := range ids {
		ids[i] = fmt.Sprintf("shared-%d", i)
		s := replicas[i%2]
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
			"id": ids[i], "supplier": "it", "customer": "sales", "kind": "laptop", "title": "shared"})
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+ids[i]+"/accept", toks.IT, map[string]any{})
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var (
		mu      sync.Mutex
		applied = map[string]int{} // hand-off -> commands answered 2xx
		last    uint64
		retried int
		wg      sync.WaitGroup
	)
	for c := range clients {
		wg.Go(func() {
			for i := range perClient {
				id := ids[rand.IntN(handoffs)]
				command := []string{"pause", "resume"}[rand.IntN(2)]
				key := fmt.Sprintf("client-%d-%d", c, i)
				s := replicas[(c+i)%2]
				status, pos, err := sendCommand(client, s.base, toks.IT, id, command, key)
				if !assert.NoError(t, err) {
					return
				}
				switch status {
				case http.StatusOK:
				case http.StatusConflict:
					continue // lost the race, or not legal in the state it found
				default:
					t.Errorf("%s %s: status %d", command, id, status)
					return
				}
				again := false
				if i%5 == 0 { // the client did not get the answer: retry elsewhere
					status2, pos2, err := sendCommand(client, replicas[(c+i+1)%2].base, toks.IT, id, command, key)
					if assert.NoError(t, err) && assert.Equal(t, http.StatusOK, status2, "a retry answers as the first call") {
						assert.Equal(t, pos, pos2, "a retry answers as the first call")
					}
					again = true
				}
				mu.Lock()
				applied[id]++
				last = max(last, pos)
				if again {
					retried++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range applied {
		total += n
	}
	t.Logf("%d commands sent, %d applied, %d retried with the same key", clients*perClient, total, retried)
	require.NotZero(t, total)

	// Each replica shows every applied command once: a timeline of the
	// request, the acceptance and the pauses and resumes, alternating.
	for r, s := range replicas {
		for _, id := range ids {
			v := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/handoffs/%s?min_position=%d", id, last), toks.Sales, nil).json(t)
			timeline, _ := v["timeline"].([]any)
			assert.Len(t, timeline, 2+applied[id], "replica %d, hand-off %s: timeline entries", r, id)
			assert.Equal(t, float64(2+applied[id]), v["version"], "replica %d, hand-off %s", r, id)
			want := "accepted"
			if applied[id]%2 == 1 {
				want = "paused"
			}
			assert.Equal(t, want, v["state"], "replica %d, hand-off %s", r, id)
		}
	}
	// Once both have applied the last write, they serve the same figures.
	today := time.Now().UTC()
	window := "from=" + today.AddDate(0, 0, -1).Format(time.DateOnly) + "&to=" + today.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, path := range []string{
		"/api/v1/pairs/it/sales?" + window,
		"/api/v1/pairs?" + window,
		"/api/v1/handoffs?limit=500",
	} {
		p := fmt.Sprintf("%s&min_position=%d", path, last)
		a := replicas[0].must(t, http.StatusOK, "GET", p, toks.Admin, nil).body
		b := replicas[1].must(t, http.StatusOK, "GET", p, toks.Admin, nil).body
		assert.JSONEq(t, string(a), string(b), "GET %s differs between the replicas", path)
	}
}

// sendCommand posts a hand-off command with an Idempotency-Key and returns
// the status and, for a 2xx, the position it reached.
func sendCommand(client *http.Client, base, token, id, command, key string) (int, uint64, error) {
	body, _ := json.Marshal(map[string]any{"reason": "racing"})
	if command != "pause" {
		body = []byte(`{}`)
	}
	req, err := http.NewRequest("POST", base+"/api/v1/handoffs/"+id+"/"+command, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, 0, nil
	}
	pos, err := strconv.ParseUint(resp.Header.Get("Cadena-Position"), 10, 64)
	return resp.StatusCode, pos, err
}
