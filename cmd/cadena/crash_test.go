package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
)

// serveCrashDirEnv switches the test binary into the child of
// TestServeCrash: a server on the data directory it names, or on the
// store named by serveCrashStoreEnv when that is set.
const (
	serveCrashDirEnv   = "CADENA_SERVE_CRASH_DIR"
	serveCrashStoreEnv = "CADENA_SERVE_CRASH_STORE"
)

// crashSteps are the writes made to each hand-off under load, in order,
// with the state each leaves it in; the hand-off's version after step i
// is i+1.
var crashSteps = []struct{ command, state string }{
	{"", "requested"}, // the request itself
	{"accept", "accepted"},
	{"deliver", "delivered"},
}

// TestServeCrash runs the server in a child process, writes to it over
// HTTP from several clients, kills it with SIGKILL at a random moment, and
// checks on a restarted server (on the same data directory) that every
// write answered 2xx is there, that no hand-off is half-written, and that
// new writes work. The rounds share the directory, so each also recovers
// from the crash before it.
//
// SIGKILL leaves the page cache alone: this checks that the server
// acknowledges a write only once it is committed, not what losing power
// does.
func TestServeCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	testServeCrash(t, "")
}

// testServeCrash is TestServeCrash on the embedded store (store "") or on
// the store the URL names.
func testServeCrash(t *testing.T, store string) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()

	acked := map[string]int{} // hand-off ID -> the last step answered 2xx
	var attempted []string
	for round := range 4 {
		child := startCrashChild(t, dir, store)
		if round == 0 {
			for _, d := range []string{"it", "sales"} {
				mustCall(t, client, http.StatusCreated, "PUT", child.base+"/api/v1/departments/"+d, toks.Admin, map[string]any{"name": d})
			}
		}
		checkAfterCrash(t, client, child.base, toks, acked, attempted)
		// A new write works, and is then checked like the others.
		id := fmt.Sprintf("after-crash-%d", round)
		mustCall(t, client, http.StatusCreated, "POST", child.base+"/api/v1/handoffs", toks.Sales, map[string]any{
			"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "after the crash"})
		attempted, acked[id] = append(attempted, id), 0
		if round == 3 {
			child.kill()
			break
		}
		ids, acks := crashLoad(t, client, child, toks, round, 10+rand.IntN(150))
		attempted = append(attempted, ids...)
		for id, step := range acks {
			acked[id] = step
		}
		t.Logf("round %d: %d hand-offs attempted, %d acknowledged", round, len(ids), len(acks))
	}
}

// checkAfterCrash checks a restarted server: every acknowledged write is
// there, every hand-off attempted is either absent or whole, the list of
// hand-offs agrees.
func checkAfterCrash(t *testing.T, client *http.Client, base string, toks e2eTokens, acked map[string]int, attempted []string) {
	t.Helper()
	present := map[string]bool{}
	for _, id := range attempted {
		r, err := call(client, "GET", base+"/api/v1/handoffs/"+id, toks.Sales, nil)
		require.NoError(t, err)
		step, wasAcked := acked[id]
		if r.status == http.StatusNotFound && !wasAcked {
			continue
		}
		require.Equal(t, http.StatusOK, r.status, "hand-off %s (acknowledged: %v): status: %s", id, wasAcked, r.body)
		present[id] = true
		v := r.json(t)
		version := int(v["version"].(float64))
		timeline, _ := v["timeline"].([]any)
		require.True(t, version >= 1 && version <= len(crashSteps), "hand-off %s at version %d", id, version)
		if wasAcked {
			require.GreaterOrEqual(t, version, step+1, "hand-off %s: step %d (%s) was acknowledged", id, step, crashSteps[step].state)
		}
		require.Equal(t, []any{crashSteps[version-1].state, version}, []any{v["state"], len(timeline)},
			"hand-off %s at version %d is half-written: state, timeline entries", id, version)
	}
	// The list (a projection rebuilt from the log) shows the same hand-offs.
	listed := map[string]bool{}
	for cursor := ""; ; {
		r := mustCall(t, client, http.StatusOK, "GET", base+"/api/v1/handoffs?limit=500&cursor="+url.QueryEscape(cursor), toks.Admin, nil)
		m := r.json(t)
		for _, h := range m["handoffs"].([]any) {
			listed[h.(map[string]any)["id"].(string)] = true
		}
		next, _ := m["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	assert.Equal(t, present, listed, "the hand-offs listed after the crash are those found")
}

// crashLoad writes from eight clients, each requesting hand-offs and
// taking them through crashSteps, until killAfter writes were answered
// 2xx; it then kills the child. It returns the IDs of the hand-offs it
// tried to request and the last step answered 2xx for each.
func crashLoad(t *testing.T, client *http.Client, child *crashChild, toks e2eTokens, round, killAfter int) ([]string, map[string]int) {
	t.Helper()
	var (
		mu        sync.Mutex
		attempted []string
		acked     = map[string]int{}
		n         int
		wg        sync.WaitGroup
	)
	enough := make(chan struct{})
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("crash-%d-%d-%d", round, w, i)
				mu.Lock()
				attempted = append(attempted, id)
				mu.Unlock()
				for step, s := range crashSteps {
					var r apiResponse
					var err error
					if s.command == "" {
						r, err = call(client, "POST", child.base+"/api/v1/handoffs", toks.Sales, map[string]any{
							"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "under load"})
					} else {
						r, err = call(client, "POST", child.base+"/api/v1/handoffs/"+id+"/"+s.command, toks.IT, map[string]any{})
					}
					if err != nil {
						return // killed
					}
					if !assert.Equal(t, 2, r.status/100, "%s %s: status %d: %s", id, s.command, r.status, r.body) {
						return
					}
					mu.Lock()
					acked[id] = step
					if n++; n == killAfter {
						close(enough)
					}
					mu.Unlock()
				}
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(30 * time.Second):
		assert.Failf(t, "too few writes acknowledged", "%d writes acknowledged in 30s, want %d", n, killAfter)
	}
	child.kill()
	wg.Wait()
	return attempted, acked
}

// crashChild is a server in a child process.
type crashChild struct {
	cmd    *exec.Cmd
	base   string
	stderr *testkit.SyncBuffer
	once   sync.Once
}

// startCrashChild runs the server on dir (or store, if not "") in a child
// process and waits until it is ready; the test kills it at the end if
// need be.
func startCrashChild(t *testing.T, dir, store string) *crashChild {
	t.Helper()
	c := &crashChild{stderr: &testkit.SyncBuffer{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestServeCrashChild$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), serveCrashDirEnv+"="+dir, serveCrashStoreEnv+"="+store)
	c.cmd.Stderr = c.stderr
	out, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, c.cmd.Start())
	t.Cleanup(c.kill)
	ready := make(chan string, 1)
	go func() {
		defer close(ready)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- u
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u, ok := <-ready:
		require.True(t, ok, "the server exited before it was ready: %s", c.stderr)
		c.base = u
	case <-time.After(30 * time.Second):
		require.FailNow(t, "the server was not ready in 30s", "%s", c.stderr)
	}
	// It said it is ready; so must /readyz.
	mustCall(t, http.DefaultClient, http.StatusOK, "GET", c.base+"/readyz", "", nil)
	return c
}

// kill sends SIGKILL to the child and waits for it to exit.
func (c *crashChild) kill() {
	c.once.Do(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	})
}

// TestServeCrashChild is the child process of TestServeCrash; it does
// nothing in a normal test run.
func TestServeCrashChild(t *testing.T) {
	dir := os.Getenv(serveCrashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestServeCrash")
	}
	cfg := e2eConfig(dir)
	if store := os.Getenv(serveCrashStoreEnv); store != "" {
		cfg = postgresConfig(dir, store)
	}
	err := serve(context.Background(), cfg, io.Discard, os.Stderr, func(u string) {
		fmt.Printf("ready %s\n", u)
	})
	require.FailNow(t, "serve returned", "%v", err)
}

// mustCall sends a request and fails the test unless the status is want.
func mustCall(t *testing.T, client *http.Client, want int, method, u, token string, body any) apiResponse {
	t.Helper()
	r, err := call(client, method, u, token, body)
	require.NoError(t, err, "%s %s", method, u)
	require.Equal(t, want, r.status, "%s %s: status: %s", method, u, r.body)
	return r
}
