// Package testkit holds what cadena's command-line tests share: a buffer
// that collects a server's log lines from many goroutines, and the start-up
// and shutdown of a server run in-process.
package testkit

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RunFunc runs a server until ctx ends, writing its log to logs, and calls
// ready with the server's base URL once it accepts requests.
type RunFunc func(ctx context.Context, logs io.Writer, ready func(base string)) error

// Server is a server run in-process by a RunFunc.
type Server struct {
	// Base is the server's base URL, "http://127.0.0.1:port".
	Base string
	// Logs collects the server's log.
	Logs *SyncBuffer

	cancel   context.CancelFunc
	exited   chan struct{}
	err      error // run's result, once exited is closed
	reported sync.Once
}

// Start runs run in a goroutine until Stop is called or the test ends, and
// returns once the server is ready. It fails the test if run returns
// first. (It waits as long as the server takes: go test's -timeout bounds
// a server that never gets ready.)
func Start(t testing.TB, run RunFunc) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Logs: &SyncBuffer{}, cancel: cancel, exited: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		s.err = run(ctx, s.Logs, func(base string) { ready <- base })
		close(s.exited)
	}()
	t.Cleanup(func() { s.Stop(t) })
	select {
	case s.Base = <-ready:
	case <-s.exited:
		s.reported.Do(func() {})
		t.Fatalf("the server stopped before it was ready: %v\n%s", s.err, s.Logs)
	}
	return s
}

// Cancel ends the server's context without waiting for it to stop.
func (s *Server) Cancel() { s.cancel() }

// Exited is closed once the server has stopped.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Stop cancels the server's context and waits for it to stop, reporting
// its error the first time. It may be called more than once.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.cancel()
	<-s.exited
	s.reported.Do(func() {
		if s.err != nil {
			t.Errorf("serve: %v\n%s", s.err, s.Logs)
		}
	})
}
