package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/projections"
)

// benchCommand returns the command that runs "cadena ARGS...": this
// executable. Tests replace it to run the test binary as cadena.
var benchCommand = func(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this executable: %w", err)
	}
	return exec.Command(exe, args...), nil
}

// benchServer is "cadena serve" run as a child process on 127.0.0.1, so
// that its CPU time and memory are its own.
type benchServer struct {
	base    string
	token   string
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{}
	waitErr error

	released chan struct{} // closed when it logged catchUpReleased

	mu       sync.Mutex
	tail     []string // the last lines of its log, for errors
	snapshot bool     // it logged that it loaded a snapshot of its read models
}

// startBenchServer writes a tokens file with one admin token into dir and
// starts "cadena serve --data dataDir" on a free port of 127.0.0.1; it
// returns once the server listens (not necessarily ready).
func startBenchServer(ctx context.Context, dir, dataDir string) (*benchServer, error) {
	token, entry, err := auth.NewEntry("bench", api.RoleAdmin, "")
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(map[string][]auth.Entry{"tokens": {entry}})
	if err != nil {
		return nil, err
	}
	tokens := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokens, b, 0o600); err != nil {
		return nil, err
	}
	return startBenchProcess(ctx, token, "serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--tokens", tokens, "--rate-limit", "0")
}

// startBenchProcess starts "cadena ARGS...", a server that logs the slog
// line "listening" with its url on stderr, and returns once it listens;
// token is the bearer token its requests carry.
func startBenchProcess(ctx context.Context, token string, args ...string) (*benchServer, error) {
	cmd, err := benchCommand(args...)
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s := &benchServer{token: token, cmd: cmd, exited: make(chan struct{}), released: make(chan struct{})}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	listening := make(chan string, 1)
	go s.readLog(stderr, listening)
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	select {
	case s.base = <-listening:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("the server exited before listening: %v: %s", s.waitErr, s.lastLines())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// readLog reads the server's log: it sends the URL of the "listening" line,
// notes a snapshot loaded and keeps the last lines.
func (s *benchServer) readLog(r io.Reader, listening chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found, released := false, false
	for sc.Scan() {
		line := sc.Text()
		if !released && strings.Contains(line, catchUpReleased) {
			released = true
			close(s.released)
		}
		if !found && strings.Contains(line, "msg=listening") {
			if i := strings.Index(line, "url="); i >= 0 {
				found = true
				listening <- strings.Fields(line[i+len("url="):])[0]
			}
		}
		s.mu.Lock()
		if strings.Contains(line, "msg=\""+projections.SnapshotLoaded+"\"") {
			s.snapshot = true
		}
		s.tail = append(s.tail, line)
		if len(s.tail) > 5 {
			s.tail = s.tail[1:]
		}
		s.mu.Unlock()
	}
	io.Copy(io.Discard, r)
}

// snapshotLoaded reports whether the server logged that it loaded a
// snapshot of its read models.
func (s *benchServer) snapshotLoaded() bool {
	// The line comes before the catch-up's end, which /readyz may announce
	// before this reader has seen either: wait for the later line.
	select {
	case <-s.released:
	case <-s.exited:
	case <-time.After(time.Minute):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot
}

func (s *benchServer) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.tail, " | ")
}

// waitReady polls /readyz until it answers 200 and returns how long after
// the start of the process that was.
func (s *benchServer) waitReady(ctx context.Context) (time.Duration, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.started), nil
			}
		}
		select {
		case <-s.exited:
			return 0, fmt.Errorf("the server exited before it was ready: %v: %s", s.waitErr, s.lastLines())
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stop interrupts the server and waits for it to exit, killing it after
// 30 s.
func (s *benchServer) stop() error { return s.stopWithin(30 * time.Second) }

// stopWithin interrupts the server and waits for it to exit, killing it
// after grace.
func (s *benchServer) stopWithin(grace time.Duration) error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(grace):
		s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("the server did not stop within %s of an interrupt", grace)
	}
	return nil
}

// idleMemory waits until the server returned the memory of its catch-up
// to the system (at most a minute) and returns its resident memory then.
func (s *benchServer) idleMemory(ctx context.Context) (int64, bool) {
	select {
	case <-s.released:
	case <-s.exited:
		return 0, false
	case <-time.After(time.Minute):
		return 0, false
	case <-ctx.Done():
		return 0, false
	}
	rss, _, ok := s.memory()
	return rss, ok
}

// cpu returns the CPU time the server has used so far; false where /proc
// cannot tell.
func (s *benchServer) cpu() (time.Duration, bool) { return procCPU(strconv.Itoa(s.cmd.Process.Pid)) }

// memory returns the server's resident memory and its peak; false where
// /proc cannot tell.
func (s *benchServer) memory() (rss, peak int64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			peak = kb << 10
		}
	}
	return rss, peak, peak > 0
}

// procCPU returns the user and system CPU time of a process from
// /proc/PID/stat ("self" for this one), in clock ticks of 10 ms.
func procCPU(pid string) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// cpuMeter measures the CPU time the server and this process use over an
// interval.
type cpuMeter struct {
	s                *benchServer
	server, self     time.Duration
	serverOK, selfOK bool
}

func startCPU(s *benchServer) cpuMeter {
	m := cpuMeter{s: s}
	m.server, m.serverOK = s.cpu()
	m.self, m.selfOK = procCPU("self")
	return m
}

// minCPU is the least CPU time a figure per operation is computed from:
// /proc counts in ticks of 10 ms, so less would be off by more than 10%.
const minCPU = 100 * time.Millisecond

// perOp returns the server's and this process's CPU time per operation
// since the meter started, in microseconds; nil where unknown or too
// little to tell (under minCPU).
func (m cpuMeter) perOp(ops int) (server, client *float64) {
	if ops == 0 {
		return nil, nil
	}
	per := func(d time.Duration) *float64 {
		if d < minCPU {
			return nil
		}
		return ptr(float64(d.Microseconds()) / float64(ops))
	}
	if now, ok := m.s.cpu(); ok && m.serverOK {
		server = per(now - m.server)
	}
	if now, ok := procCPU("self"); ok && m.selfOK {
		client = per(now - m.self)
	}
	return server, client
}
