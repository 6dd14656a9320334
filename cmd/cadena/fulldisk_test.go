package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore/bolt/bolttest"
)

// TestServeSurvivesAFullDisk fills the data directory's file system under
// the real server: writes answer 503 with Retry-After, reads, /healthz and
// the projections go on, /readyz says the store cannot write, and once
// space is freed the same write succeeds without a restart; after one,
// every acknowledged hand-off is there.
func TestServeSurvivesAFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a file system")
	}
	data := bolttest.SmallFS(t, 2<<20)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(data)
	cfg.tokens = filepath.Join(dir, "tokens.json")
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	// Leave about 128 KiB free.
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(data, &st))
	filler := filepath.Join(data, "filler")
	require.NoError(t, os.WriteFile(filler, make([]byte, int(st.Bavail)*int(st.Bsize)-128<<10), 0o600))

	request := func(i int) (apiResponse, error) {
		return callWithKey(s.base+"/api/v1/handoffs", toks.Sales, fmt.Sprintf("fill-%d", i),
			map[string]any{"id": fmt.Sprintf("h-%d", i), "supplier": "it", "customer": "sales", "kind": "laptop",
				"title": "Laptop " + strings.Repeat("x", 150)})
	}
	var acked []string
	var full apiResponse
	n := 0
	for ; ; n++ {
		require.Less(t, n, 5000, "the file system never filled")
		r, err := request(n)
		require.NoError(t, err)
		if r.status != http.StatusCreated {
			full = r
			break
		}
		acked = append(acked, fmt.Sprintf("h-%d", n))
	}
	t.Logf("%d hand-offs acknowledged before the disk filled", len(acked))
	require.Equal(t, http.StatusServiceUnavailable, full.status, "%s", full.body)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", full.json(t)["type"])
	assert.Equal(t, "10", full.header.Get("Retry-After"))

	s.must(t, http.StatusOK, "GET", "/healthz", "", nil)
	r, err := call(http.DefaultClient, "GET", s.base+"/readyz", "", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, r.status, "/readyz with the disk full: %s", r.body)
	assert.Equal(t, "urn:cadena:problem:store-unavailable", r.json(t)["type"])
	last := acked[len(acked)-1]
	s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/"+last, toks.Sales, nil)
	select {
	case <-s.Exited():
		t.Fatal("serve stopped")
	default:
	}

	require.NoError(t, os.Remove(filler))
	s.must(t, http.StatusOK, "GET", "/readyz", "", nil)
	r, err = request(n)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, r.status, "the same write once space is back: %s", r.body)
	acked = append(acked, fmt.Sprintf("h-%d", n))

	s.stop(t)
	s = startServer(t, cfg)
	list := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/handoffs?limit=%d", 200), toks.Admin, nil)
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"handoffs"`
	}
	require.NoError(t, json.Unmarshal(list.body, &page))
	require.NotEmpty(t, page.Items)
	assert.Equal(t, acked[len(acked)-1], page.Items[0].ID, "newest first")
	for _, id := range acked {
		s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/"+id, toks.Admin, nil)
	}
}

// callWithKey posts body as JSON with an Idempotency-Key.
func callWithKey(url, token, key string, body any) (apiResponse, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return apiResponse{}, err
	}
	req, err := http.NewRequest("POST", url, strings.NewReader(string(b)))
	if err != nil {
		return apiResponse{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return apiResponse{resp.StatusCode, resp.Header, raw}, err
}
