package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
)

// e2eTokens are the tokens of the end-to-end organisation: it supplies
// sales; legal stands aside.
type e2eTokens struct {
	Admin  string
	ITHead string
	IT     string
	Sales  string
	Legal  string
}

// writeTokensFile writes a tokens file with fresh tokens to path.
func writeTokensFile(t testing.TB, path string) e2eTokens {
	t.Helper()
	var toks e2eTokens
	specs := []struct {
		tok        *string
		name, dept string
		role       api.Role
	}{
		{&toks.Admin, "ops", "", api.RoleAdmin},
		{&toks.ITHead, "it-head", "it", api.RoleHead},
		{&toks.IT, "it-team", "it", api.RoleMember},
		{&toks.Sales, "sales-team", "sales", api.RoleMember},
		{&toks.Legal, "legal-team", "legal", api.RoleMember},
	}
	var file struct {
		Tokens []auth.Entry `json:"tokens"`
	}
	for _, s := range specs {
		tok, entry, err := auth.NewEntry(s.name, s.role, s.dept)
		require.NoError(t, err)
		*s.tok = tok
		file.Tokens = append(file.Tokens, entry)
	}
	b, err := json.Marshal(file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return toks
}

// e2eConfig is the configuration of a server on dir, listening on a free
// loopback port.
func e2eConfig(dir string) serveConfig {
	return serveConfig{data: dir, addr: "127.0.0.1:0", tokens: filepath.Join(dir, "tokens.json"),
		timezone: "UTC", anonymityMin: 1, minVolume: 5, logLevel: "warn"}
}

// testServer is the real server, run in-process by serve.
type testServer struct {
	*testkit.Server
	base string // Server.Base
}

// startServer runs serve with cfg until Stop is called or the test ends,
// and returns once the server is ready.
func startServer(t testing.TB, cfg serveConfig) *testServer {
	t.Helper()
	srv := testkit.Start(t, func(ctx context.Context, logs io.Writer, ready func(string)) error {
		return serve(ctx, cfg, io.Discard, logs, ready)
	})
	return &testServer{Server: srv, base: srv.Base}
}

// stop cancels the server's context and waits for serve to return; it
// may be called more than once.
func (s *testServer) stop(t testing.TB) { s.Stop(t) }

// apiResponse is an answer of the server.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// position returns the Cadena-Position of a write.
func (r apiResponse) position(t *testing.T) uint64 {
	t.Helper()
	p, err := strconv.ParseUint(r.header.Get("Cadena-Position"), 10, 64)
	require.NoError(t, err, "Cadena-Position %q", r.header.Get("Cadena-Position"))
	return p
}

func (r apiResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "%s", r.body)
	return m
}

// call sends a request with body (nil for none) as JSON.
func call(client *http.Client, method, url, token string, body any) (apiResponse, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return apiResponse{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return apiResponse{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return apiResponse{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return apiResponse{}, err
	}
	return apiResponse{resp.StatusCode, resp.Header, b}, nil
}

// must sends a request and fails the test unless the status is want.
func (s *testServer) must(t *testing.T, want int, method, path, token string, body any) apiResponse {
	t.Helper()
	r, err := call(http.DefaultClient, method, s.base+path, token, body)
	require.NoError(t, err, "%s %s", method, path)
	require.Equal(t, want, r.status, "%s %s: status: %s", method, path, r.body)
	return r
}

// setUpOrganisation registers it, sales and legal as the admin, and the it
// head sets the agreement from it to sales; it returns the last position.
func setUpOrganisation(t *testing.T, s *testServer, toks e2eTokens) uint64 {
	t.Helper()
	for _, d := range []string{"it", "sales", "legal"} {
		s.must(t, http.StatusCreated, "PUT", "/api/v1/departments/"+d, toks.Admin, map[string]any{"name": d + " department"})
	}
	r := s.must(t, http.StatusOK, "PUT", "/api/v1/agreements/it/sales", toks.ITHead,
		map[string]any{"kind": "laptop", "resolve_within": "72h", "respond_within": 4 * 3600})
	return r.position(t)
}

func TestEndToEndLifecycleSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	// Every step at a fixed time, so that the views are the same whenever
	// they are read.
	t0 := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second)
	at := func(minutes int) string { return t0.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339) }
	r := s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
		"id": "laptop-1", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop", "occurred_at": at(0)})
	assert.Equal(t, "/api/v1/handoffs/laptop-1", r.header.Get("Location"), "Location")
	steps := []struct {
		token, command string
		body           map[string]any
		state          string
	}{
		{toks.IT, "accept", nil, "accepted"},
		{toks.IT, "pause", map[string]any{"reason": "waiting for the cost centre"}, "paused"},
		{toks.IT, "resume", nil, "accepted"},
		{toks.IT, "deliver", map[string]any{"note": "on your desk"}, "delivered"},
		{toks.Sales, "return", map[string]any{"reason": "wrong keyboard layout"}, "returned"},
		{toks.IT, "deliver", map[string]any{"note": "swapped"}, "delivered"},
		{toks.Sales, "rating", map[string]any{"score": 4, "comment": "quick second time"}, "delivered"},
	}
	last := r.position(t)
	for i, step := range steps {
		body := map[string]any{"occurred_at": at(10 * (i + 1))}
		for k, v := range step.body {
			body[k] = v
		}
		r := s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/laptop-1/"+step.command, step.token, body)
		require.Equal(t, step.state, r.json(t)["state"], "%s: state", step.command)
		p := r.position(t)
		require.Greater(t, p, last, "%s: position not after the previous one", step.command)
		last = p
	}
	// A member of the supplier may not return, and legal may not read.
	s.must(t, http.StatusForbidden, "POST", "/api/v1/handoffs/laptop-1/return", toks.IT, map[string]any{})
	s.must(t, http.StatusForbidden, "GET", "/api/v1/handoffs/laptop-1", toks.Legal, nil)

	view := s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/laptop-1", toks.Sales, nil).json(t)
	assert.Equal(t, []any{2.0, 1.0, "delivered"}, []any{view["deliveries"], view["returns"], view["state"]},
		"view: deliveries, returns, state: %v", view)
	assert.Len(t, view["timeline"], 8, "timeline entries")
	if assert.IsType(t, map[string]any{}, view["rating"], "the customer sees a rating") {
		assert.Equal(t, 4.0, view["rating"].(map[string]any)["score"], "the customer sees rating %v", view["rating"])
	}
	early := s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/laptop-1?as_of="+at(15), toks.Admin, nil).json(t)
	assert.Equal(t, []any{"accepted", 2.0}, []any{early["state"], early["version"]}, "as of the acceptance: state, version")

	// Read your writes: the figures reflect the last write once they have
	// reached its position.
	day := func(d int) string { return t0.AddDate(0, 0, d).Format(time.DateOnly) }
	window := "from=" + day(-1) + "&to=" + day(2)
	pair := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/it/sales?%s&min_position=%d", window, last), toks.Sales, nil).json(t)
	sat, _ := pair["satisfaction"].(map[string]any)
	assert.Equal(t, []any{1.0, 1.0, 1.0, 4.0}, []any{pair["requested"], pair["returned"], sat["ratings"], sat["mean"]},
		"pair figures do not reflect the hand-off (requested, returned, ratings, mean): %v", pair)
	lead, _ := pair["lead_time_s"].(map[string]any)
	assert.Equal(t, 1.0, lead["count"], "lead time: %v", pair["lead_time_s"])

	// What the server shows before a restart, it shows after it.
	paths := []string{
		"/api/v1/pairs?" + window,
		"/api/v1/pairs/it/sales?" + window,
		"/api/v1/hotspots?min_volume=0&" + window,
		"/api/v1/departments/it/scorecard?" + window,
		"/api/v1/departments/sales/scorecard?" + window,
		"/api/v1/chain?" + window,
		"/api/v1/handoffs/laptop-1?as_of=" + at(60),
		"/api/v1/handoffs/laptop-1?as_of=" + at(25),
		"/api/v1/handoffs",
		"/api/v1/departments",
		"/api/v1/agreements",
	}
	snapshot := func() map[string][]byte {
		out := map[string][]byte{}
		for _, p := range paths {
			out[p] = s.must(t, http.StatusOK, "GET", p, toks.Admin, nil).body
		}
		return out
	}
	before := snapshot()
	s.stop(t)
	s = startServer(t, cfg)
	after := snapshot()
	for _, p := range paths {
		assert.Equal(t, string(before[p]), string(after[p]), "GET %s differs after a restart", p)
	}

	// And it goes on taking writes where it left off.
	r = s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
		"id": "laptop-2", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "Second laptop"})
	assert.Equal(t, last+1, r.position(t), "position of the first write after the restart")
	pair = s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/it/sales?%s&min_position=%d", window, r.position(t)), toks.Sales, nil).json(t)
	assert.Equal(t, []any{2.0, 1.0}, []any{pair["requested"], pair["open"]}, "pair after the restart: requested, open")
}

// TestShutdownFinishesTheRequestInFlight cancels the server's context while
// a write is being read, and checks that the server stops listening but
// answers the write, and that the write is there after a restart.
func TestShutdownFinishesTheRequestInFlight(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	addr := strings.TrimPrefix(s.base, "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	body := `{"id":"in-flight","supplier":"it","customer":"sales","kind":"laptop","title":"Sent during shutdown"}`
	fmt.Fprintf(conn, "POST /api/v1/handoffs HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, toks.Sales, len(body))
	// The server answers 100 Continue once the handler reads the body: the
	// request is then in flight.
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	require.NoError(t, err, "waiting for 100 Continue")
	require.True(t, strings.HasPrefix(line, "HTTP/1.1 100"), "waiting for 100 Continue: %q", line)
	_, err = br.ReadString('\n')
	require.NoError(t, err)

	s.Cancel()
	// Shutdown closes the listener first; wait until it has.
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-s.Exited():
		require.FailNow(t, "serve returned with a request in flight")
	default:
	}
	_, err = io.WriteString(conn, body)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "the request in flight got no answer")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode, "the request in flight: %s", b)
	s.stop(t)

	s = startServer(t, cfg)
	s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/in-flight", toks.Sales, nil)
}

// TestShutdownUnderLoadKeepsEveryAcknowledgedWrite cancels the server's
// context while writers are busy: every write that got a 2xx must be there
// after a restart.
func TestShutdownUnderLoadKeepsEveryAcknowledgedWrite(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	enough := make(chan struct{})
	var once sync.Once
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("load-%d-%d", w, i)
				r, err := call(client, "POST", s.base+"/api/v1/handoffs", toks.Sales, map[string]any{
					"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "Under load"})
				if err != nil || r.status >= 300 {
					return // the server has stopped
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) == 40 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(20 * time.Second):
		require.FailNow(t, "the writers did not get 40 acknowledgements")
	}
	s.stop(t)
	wg.Wait()

	s = startServer(t, cfg)
	for _, id := range acked {
		s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/"+id, toks.Sales, nil)
	}
	t.Logf("%d writes acknowledged, all there after the restart", len(acked))
}

// TestServerServesTheWebPage checks the page is mounted, unauthenticated,
// with its security headers, and that the API beside it still asks for a
// token.
func TestServerServesTheWebPage(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	writeTokensFile(t, cfg.tokens)
	s := startServer(t, cfg)
	for _, path := range []string{"/", "/assets/app.css"} {
		resp, err := http.Get(s.base + path)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err, "GET %s: body", path)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: status", path)
		assert.NotEmpty(t, body, "GET %s: body", path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'", "GET %s: CSP", path)
	}
	resp, err := http.Get(s.base + "/api/v1/hotspots")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "API without a token")
}
