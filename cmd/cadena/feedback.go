package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// feedback shows an import's progress on w: a bar on a terminal, a plain
// line every few seconds otherwise, each with the events read, the
// hand-offs planned, the commands done and the rate.
type feedback struct {
	w        io.Writer
	terminal bool
	// bar is, on a terminal, the bar of the bytes read, then, once the
	// whole file is read, a spinner until the import is done (the last
	// window of events is planned and written after the end of the file).
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	finished bool // done was called
	commands int  // the commands done at the last progress, on a terminal
	now      func() time.Time
	start    time.Time
	last     time.Time
	// set by the goroutine that reads the log (read), shown by progress
	events, handoffs atomic.Int64
}

// plainEvery is how often the plain progress line is printed.
const plainEvery = 5 * time.Second

func newFeedback(w io.Writer) *feedback {
	f := &feedback{w: w, now: time.Now}
	f.start = f.now()
	f.last = f.start
	if file, ok := w.(*os.File); ok {
		if st, err := file.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			f.terminal = true
		}
	}
	return f
}

// reading wraps the log file: on a terminal, a bar of the bytes read.
func (f *feedback) reading(file *os.File) io.Reader {
	if !f.terminal {
		return file
	}
	size := int64(-1)
	if st, err := file.Stat(); err == nil {
		size = st.Size()
	}
	bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(f.w), progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	f.bar = bar
	return &barReader{r: file, bar: bar, f: f}
}

type barReader struct {
	r   io.Reader
	bar *progressbar.ProgressBar
	f   *feedback
	eof bool
}

func (b *barReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	_ = b.bar.Add(n)
	if err == io.EOF && !b.eof {
		b.eof = true
		b.f.readAll()
	}
	return n, err
}

// readAll replaces the bar of the bytes read, at the end of the file, by a
// spinner that shows the same description until done.
func (f *feedback) readAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.bar != nil {
		_ = f.bar.Finish()
	}
	if f.finished {
		f.bar = nil
		return
	}
	f.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(f.w),
		progressbar.OptionSetDescription("importing: "+f.status(f.commands, f.now())),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
}

// read is importer.StreamOptions.Read: the events read and the hand-offs
// planned so far.
func (f *feedback) read(events, handoffs int) {
	f.events.Store(int64(events))
	f.handoffs.Store(int64(handoffs))
}

// progress is importer.Options.Progress (the total of a streamed import
// is not known: 0).
func (f *feedback) progress(done, _ int) {
	now := f.now()
	if f.terminal {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.commands = done
		if f.bar != nil {
			f.bar.Describe("importing: " + f.status(done, now))
		}
		return
	}
	if now.Sub(f.last) >= plainEvery {
		f.last = now
		fmt.Fprintf(f.w, "import: %s\n", f.status(done, now))
	}
}

// status says how far the import is at now.
func (f *feedback) status(done int, now time.Time) string {
	events := f.events.Load()
	return fmt.Sprintf("%d events read (%.0f events/s), %d hand-offs, %d commands",
		events, float64(events)/max(now.Sub(f.start).Seconds(), 1e-3), f.handoffs.Load(), done)
}

// done ends the bar.
func (f *feedback) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finished = true
	if f.bar != nil {
		_ = f.bar.Finish()
		f.bar = nil
	}
}
