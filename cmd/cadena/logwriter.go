package main

import (
	"io"
	"sync"
)

// maxPendingLog is how much of the log a logWriter holds before a Write
// writes it itself: the log slows requests down rather than grow without
// bound.
const maxPendingLog = 1 << 20

// logWriter takes the server's log lines off the request path: Write
// copies the line into a buffer and returns, and a goroutine of its own
// writes what accumulated, many lines in one write under load, each line
// promptly when idle. Lines keep their order. Close writes what is left,
// and Writes after it go straight through.
type logWriter struct {
	out io.Writer

	wmu sync.Mutex // held while writing to out: keeps lines in order

	mu      sync.Mutex
	pending []byte
	spare   []byte
	closed  bool
	wake    chan struct{} // has a value when pending is not empty
	done    chan struct{} // closed once the goroutine has stopped
}

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.run()
	return w
}

// Write queues p; it never fails, as the log's write errors are not the
// request's.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed || len(w.pending)+len(p) > maxPendingLog {
		w.mu.Unlock()
		w.flushWith(p)
		return len(p), nil
	}
	wasEmpty := len(w.pending) == 0
	w.pending = append(w.pending, p...)
	// Lines added to a non-empty pending need no wake-up: the one that
	// made it non-empty sent one (or found one waiting), and the goroutine
	// takes all of pending, under mu, when it wakes.
	if wasEmpty {
		select { // under mu: Close closes wake under mu
		case w.wake <- struct{}{}:
		default:
		}
	}
	w.mu.Unlock()
	return len(p), nil
}

// flushWith writes what is pending, then p.
func (w *logWriter) flushWith(p []byte) {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	w.mu.Lock()
	buf := w.pending
	w.pending, w.spare = w.spare[:0], nil
	w.mu.Unlock()
	if len(buf) > 0 {
		_, _ = w.out.Write(buf)
	}
	if len(p) > 0 {
		_, _ = w.out.Write(p)
	}
	w.mu.Lock()
	if cap(buf) <= maxPendingLog {
		w.spare = buf[:0]
	}
	w.mu.Unlock()
}

func (w *logWriter) run() {
	defer close(w.done)
	for range w.wake {
		w.flushWith(nil)
	}
}

// Close writes what is pending and stops the goroutine.
func (w *logWriter) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	close(w.wake)
	w.mu.Unlock()
	<-w.done
	w.flushWith(nil)
	return nil
}
