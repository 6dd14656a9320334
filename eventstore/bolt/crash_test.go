package bolt_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// crashFileEnv switches the test binary into the child of TestCrash.
const crashFileEnv = "CADENA_BOLT_CRASH_FILE"

// crashData is the payload of the event with the given ID, so the parent
// can check what it reads back without being told.
func crashData(id string) []byte {
	pad := strings.Repeat("x", int(id[0])%64)
	return fmt.Appendf(nil, `{"id":%q,"pad":%q}`, id, pad)
}

// TestCrash runs a child process that appends with several writers and
// reports each acknowledged event, kills it with SIGKILL at a random
// moment, and checks that the file it leaves holds every acknowledged
// event intact. The rounds share one file, so each also recovers from the
// crash before it.
//
// SIGKILL leaves the page cache alone, so this checks that an append is
// only acknowledged once committed and that the file is consistent at any
// point of a commit; it does not simulate losing power.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	acked := map[uint64]ack{}
	var head uint64
	for round := range 5 {
		acks := crashChild(t, path, 20+rand.IntN(400))
		for _, a := range acks {
			require.Greater(t, a.pos, head, "round %d: an acknowledged position at or before the previous round's end", round)
			acked[a.pos] = a
		}
		prev := head
		head = checkCrashFile(t, path, acked)
		t.Logf("round %d: %d events acknowledged, %d found after the crash", round, len(acks), head-1-prev)
	}
}

// crashOptions writes the ID index every hundred events or so, and the
// heads of streams every fifty appends or so, so that crashes land
// before, during and after those writes.
var crashOptions = bolt.Options{RecentIDs: 100, RecentHeads: 50}

type ack struct {
	pos, version uint64
	stream, id   string
}

// crashChild runs the child until it has acknowledged killAfter events,
// kills it and returns every acknowledgement it printed.
func crashChild(t *testing.T, path string, killAfter int) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashFileEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	var acks []ack
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break // a line cut short by the kill is not an acknowledgement
		}
		require.NoError(t, err)
		f := strings.Fields(line)
		if len(f) != 5 || f[0] != "ack" {
			continue // the test framework's own output
		}
		pos, err1 := strconv.ParseUint(f[1], 10, 64)
		version, err2 := strconv.ParseUint(f[2], 10, 64)
		require.NoError(t, err1, "child printed %q", line)
		require.NoError(t, err2, "child printed %q", line)
		acks = append(acks, ack{pos, version, f[3], f[4]})
		if len(acks) == killAfter {
			require.NoError(t, cmd.Process.Kill())
			killed = true
		}
	}
	require.True(t, killed, "child exited after %d acknowledgements: %v", len(acks), cmd.Wait())
	cmd.Wait()
	return acks
}

// checkCrashFile opens the file a child left, checks every acknowledged
// event and the log, appends one event, and returns the new head.
func checkCrashFile(t *testing.T, path string, acked map[uint64]ack) uint64 {
	t.Helper()
	rep, err := bolt.Verify(path, 0)
	require.NoError(t, err, "verify after crash")
	require.Empty(t, rep.Problems, "verify after crash")
	s, err := bolt.Open(path, crashOptions)
	require.NoError(t, err, "open after crash")
	defer s.Close()
	ctx := context.Background()
	head, err := s.Head(ctx)
	require.NoError(t, err)
	var n uint64
	for ev, err := range s.ReadAll(ctx, 0) {
		require.NoError(t, err, "read after crash")
		n++
		require.Equal(t, n, ev.Position, "after crash: positions are dense")
		require.Equal(t, string(crashData(ev.ID)), string(ev.Data), "after crash: event %s at %d", ev.ID, ev.Position)
		if a, ok := acked[ev.Position]; ok {
			require.Equal(t, ack{ev.Position, ev.Version, ev.StreamID, ev.ID}, a, "after crash: position %d holds another event than the one acknowledged", ev.Position)
		}
	}
	require.Equal(t, n, head, "after crash: Head, against the events the log holds")
	versions := map[string]uint64{} // the last acknowledged version of each stream
	for pos, a := range acked {
		require.LessOrEqual(t, pos, head, "after crash: an acknowledged position is past the head")
		versions[a.stream] = max(versions[a.stream], a.version)
	}
	for stream, version := range versions {
		n := uint64(0)
		for ev, err := range s.ReadStream(ctx, stream, 0) {
			require.NoError(t, err, "after crash: read %q", stream)
			n++
			require.Equal(t, n, ev.Version, "after crash: read %q", stream)
		}
		require.GreaterOrEqual(t, n, version, "after crash: %q lost acknowledged events", stream)
	}
	id := eventstore.NewID()
	res, err := s.Append(ctx, "crash-check", eventstore.Any, eventstore.EventData{ID: id, Type: "crash.checked.v1", Data: crashData(id)})
	require.NoError(t, err, "append after crash")
	require.Equal(t, head+1, res.Position, "append after crash")
	// Every acknowledged ID is still known: appending it again is a retry.
	for _, a := range acked {
		retry, err := s.Append(ctx, a.stream, eventstore.NoStream, eventstore.EventData{ID: a.id, Type: "crash.appended.v1", Data: crashData(a.id)})
		require.NoError(t, err, "after crash: appending acknowledged event %s again", a.id)
		require.Equal(t, eventstore.AppendResult{Version: a.version, Position: a.pos}, retry, "after crash: appending acknowledged event %s again", a.id)
	}
	return res.Position
}

// TestCrashChild is the child process of TestCrash; it does nothing in a
// normal test run.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashFileEnv)
	if path == "" {
		t.Skip("only runs as the child of TestCrash")
	}
	s, err := bolt.Open(path, crashOptions)
	require.NoError(t, err)
	var mu sync.Mutex // one write per acknowledged append
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			var stream string
			for i := 0; ; i++ {
				if i%4 == 0 { // a new stream every four appends
					stream = fmt.Sprintf("crash-%d-%s", w, eventstore.NewID())
				}
				evs := make([]eventstore.EventData, 1+i%3)
				for j := range evs {
					id := eventstore.NewID()
					evs[j] = eventstore.EventData{ID: id, Type: "crash.appended.v1", Data: crashData(id)}
				}
				res, err := s.Append(context.Background(), stream, eventstore.Any, evs...)
				if !assert.NoError(t, err) {
					return
				}
				var b strings.Builder
				for j, e := range evs {
					back := uint64(len(evs) - 1 - j)
					fmt.Fprintf(&b, "ack %d %d %s %s\n", res.Position-back, res.Version-back, stream, e.ID)
				}
				mu.Lock()
				os.Stdout.WriteString(b.String())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
