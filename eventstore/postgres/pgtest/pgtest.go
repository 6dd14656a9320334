// Package pgtest gives tests a PostgreSQL server: the one CI started (its
// URL in CADENA_POSTGRES_URL), a fresh schema in it for each test run, or a
// private cluster a test may stop and start. Without CADENA_POSTGRES_URL
// the tests that need it skip, saying how to run them.
package pgtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that holds the server's connection string.
const EnvURL = "CADENA_POSTGRES_URL"

// HowTo says how to run the PostgreSQL tests.
const HowTo = "set " + EnvURL + " to a PostgreSQL database to run it, or run the tests through .ci/postgres (bash .ci/postgres run go test ./...)"

// URL returns the server's connection string, or skips t.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skip("no PostgreSQL server: " + HowTo)
	}
	return u
}

// Schema returns the name of a new, empty schema for this test, dropped
// (with everything in it) when the test ends.
func Schema(t testing.TB, serverURL string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), serverURL)
		if err != nil {
			t.Logf("dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			t.Logf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

// WithSchema returns serverURL with its schema parameter set.
func WithSchema(t testing.TB, serverURL, schema string) string {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatalf("%s: not a URL", EnvURL)
	}
	q := u.Query()
	q.Set("schema", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Cluster is a private PostgreSQL cluster, made by .ci/postgres start, that
// a test may stop and start.
type Cluster struct {
	URL   string // its cadena database
	data  string
	bin   string
	runas string
	base  string
}

// NewCluster starts a private cluster, stopped and deleted when the test
// ends. It skips t when CADENA_POSTGRES_URL is not set (no PostgreSQL
// expected on this machine) and fails it when the cluster cannot start.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	URL(t)
	script := filepath.Join(moduleRoot(t), ".ci", "postgres")
	var stderr bytes.Buffer
	cmd := exec.Command("bash", script, "start")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s start: %v: %s", script, err, stderr.String())
	}
	env := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	c := &Cluster{URL: env["CADENA_POSTGRES_URL"], data: env["CADENA_POSTGRES_DATA"],
		bin: env["CADENA_POSTGRES_BIN"], runas: env["CADENA_POSTGRES_RUNAS"]}
	if c.URL == "" || c.data == "" || c.bin == "" {
		t.Fatalf("%s start printed %q", script, out)
	}
	c.base = filepath.Dir(c.data)
	t.Cleanup(func() {
		if out, err := exec.Command("bash", script, "stop", c.data).CombinedOutput(); err != nil {
			t.Logf("%s stop: %v: %s", script, err, out)
		}
	})
	return c
}

// Stop stops the server (fast shutdown: sessions are disconnected).
func (c *Cluster) Stop(t testing.TB) {
	t.Helper()
	c.pgctl(t, "-m", "fast", "stop")
}

// Start starts the server again and returns once it accepts connections.
func (c *Cluster) Start(t testing.TB) {
	t.Helper()
	c.pgctl(t, "-l", filepath.Join(c.base, "server.log"), "-t", "60", "start")
}

func (c *Cluster) pgctl(t testing.TB, args ...string) {
	t.Helper()
	argv := append([]string{filepath.Join(c.bin, "pg_ctl"), "-D", c.data, "-w"}, args...)
	if c.runas != "" {
		argv = append([]string{"runuser", "-u", c.runas, "--"}, argv...)
	}
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// moduleRoot returns the directory of go.mod above the working directory.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal(fmt.Errorf("no go.mod above the working directory"))
		}
		dir = parent
	}
}
