package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStalledClientIsFreed: a client that announces a 60 KiB body, sends
// 10 bytes and stalls gets a 408 once the read timeout passes, and its
// connection is closed; nothing is appended.
func TestStalledClientIsFreed(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	cfg.guard.readTimeout = 300 * time.Millisecond
	toks := writeTokensFile(t, cfg.tokens)
	srv := startServer(t, cfg)

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	// A guard, not a measure: without a read timeout the server would hold
	// the connection forever, and the test must end.
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	_, err = io.WriteString(conn, "PUT /api/v1/departments/hr HTTP/1.1\r\nHost: cadena\r\n"+
		"Authorization: Bearer "+toks.Admin+"\r\nContent-Type: application/json\r\nContent-Length: 61440\r\n\r\n"+
		`{"name":"H`)
	require.NoError(t, err)

	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "the server never answered the stalled request")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusRequestTimeout, res.StatusCode, "%s", body)
	assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	_, err = br.ReadByte()
	var netErr net.Error
	assert.True(t, errors.Is(err, io.EOF) || (errors.As(err, &netErr) && !netErr.Timeout()),
		"the connection is still open: %v", err)

	// The server goes on, and the stalled request appended nothing.
	r := srv.must(t, http.StatusOK, "GET", "/api/v1/departments", toks.Admin, nil)
	assert.NotContains(t, string(r.body), `"hr"`)
}

// TestMetricsTokenFile: with --metrics-token-file, /metrics wants the
// file's token; a file that holds no token is refused at start.
func TestMetricsTokenFile(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	cfg.guard.metricsTokenFile = filepath.Join(dir, "metrics-token")
	writeTokensFile(t, cfg.tokens)
	require.NoError(t, os.WriteFile(cfg.guard.metricsTokenFile, []byte("  \n"), 0o600))
	err := serve(context.Background(), cfg, io.Discard, io.Discard, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--metrics-token-file")

	require.NoError(t, os.WriteFile(cfg.guard.metricsTokenFile, []byte("cdn_scrape-me\n"), 0o600))
	srv := startServer(t, cfg)
	r, err := call(http.DefaultClient, "GET", srv.base+"/metrics", "", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	r, err = call(http.DefaultClient, "GET", srv.base+"/metrics", "cdn_scrape-me", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, string(r.body), "cadena_http_requests_total")
}

// TestMalformedHeadersGetGosPlainAnswer pins what README says of a header
// holding a raw CR, NUL or DEL: Go's server answers 400 as text/plain and
// closes the connection; the API never sees the request.
func TestMalformedHeadersGetGosPlainAnswer(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	toks := writeTokensFile(t, cfg.tokens)
	srv := startServer(t, cfg)
	for name, bad := range map[string]string{"CR": "a\rb", "NUL": "a\x00b", "DEL": "a\x7fb"} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second))) // a guard, not a measure
			_, err = io.WriteString(conn, "GET /api/v1/departments HTTP/1.1\r\nHost: cadena\r\n"+
				"Authorization: Bearer "+toks.Admin+"\r\nX-Request-Id: "+bad+"\r\n\r\n")
			require.NoError(t, err)
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusBadRequest, res.StatusCode)
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), res.Header.Get("Content-Type"))
			assert.True(t, res.Close, "the connection is closed")
		})
	}
}

// TestHeadersOverTheLimitGetGosPlainAnswer pins what README says of the
// size of a request's headers: up to 1 MiB is read, a larger header block
// is answered 431 as text/plain by Go's server, which closes the
// connection, before the API (or the token check) sees the request.
func TestHeadersOverTheLimitGetGosPlainAnswer(t *testing.T) {
	dir := t.TempDir()
	cfg := e2eConfig(dir)
	toks := writeTokensFile(t, cfg.tokens)
	srv := startServer(t, cfg)
	for name, tc := range map[string]struct {
		size int
		want int
	}{"under 1 MiB": {1<<20 - 4096, http.StatusOK}, "over 1 MiB": {1<<20 + 8192, http.StatusRequestHeaderFieldsTooLarge}} {
		t.Run(name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.base, "http://"))
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second))) // a guard, not a measure
			// Written aside: the server may answer and close before it has
			// read everything, and the answer is what is checked.
			go func() {
				_, _ = io.WriteString(conn, "GET /api/v1/departments HTTP/1.1\r\nHost: cadena\r\n"+
					"Authorization: Bearer "+toks.Admin+"\r\nX-Padding: "+strings.Repeat("a", tc.size)+"\r\n\r\n")
			}()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, tc.want, res.StatusCode)
			if tc.want != http.StatusOK {
				assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), res.Header.Get("Content-Type"))
				assert.True(t, res.Close, "the connection is closed")
			}
		})
	}
}

// The connection flags are checked before anything is opened: a negative
// timeout or rate (0 turns a limit off) and a burst below one request
// under a rate limit are refused on one line, not taken as no limit.
func TestServeRefusesConnectionFlagsOutOfRange(t *testing.T) {
	dir := t.TempDir()
	base := []string{"serve", "--tokens", "t.json", "--data", dir}
	runCLICases(t, []cliCase{
		{"negative read timeout", append(base[:5:5], "--read-timeout", "-1s"), 1, "",
			"cadena: --read-timeout -1s: want 0 (no limit) or more"},
		{"negative write timeout", append(base[:5:5], "--write-timeout", "-5m"), 1, "",
			"cadena: --write-timeout -5m0s: want 0 (no limit) or more"},
		{"negative idle timeout", append(base[:5:5], "--idle-timeout", "-1s"), 1, "",
			"cadena: --idle-timeout -1s: want 0 (the read timeout) or more"},
		{"negative rate limit", append(base[:5:5], "--rate-limit", "-1"), 1, "",
			"cadena: --rate-limit -1: want 0 (no limit) or more requests a second"},
		{"no burst", append(base[:5:5], "--rate-burst", "0"), 1, "",
			"cadena: --rate-burst 0: want at least 1 request under --rate-limit 50"},
		{"demo too", []string{"demo", "--data", dir, "--read-timeout", "-1s", "--live-every", "0"}, 1, "",
			"cadena: --read-timeout -1s: want 0 (no limit) or more"},
	})
}
