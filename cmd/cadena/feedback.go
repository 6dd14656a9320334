package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// feedback shows an import's progress on w: bars on a terminal, a plain
// line every few seconds otherwise.
type feedback struct {
	w        io.Writer
	terminal bool
	bar      *progressbar.ProgressBar
	readBar  *progressbar.ProgressBar // bytes read, while a streamed import reads
	start    time.Time
	last     time.Time
}

// plainEvery is how often the plain progress line is printed.
const plainEvery = 5 * time.Second

func newFeedback(w io.Writer) *feedback {
	f := &feedback{w: w, start: time.Now()}
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
	f.readBar = bar
	return &barReader{r: file, bar: bar}
}

type barReader struct {
	r   io.Reader
	bar *progressbar.ProgressBar
}

func (b *barReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	_ = b.bar.Add(n)
	if err == io.EOF {
		_ = b.bar.Finish()
	}
	return n, err
}

// progress is importer.Options.Progress. A total of 0 is not known yet (a
// streamed import): the bar of the bytes read says the commands done.
func (f *feedback) progress(done, total int) {
	if total <= 0 {
		if f.terminal && f.readBar != nil {
			f.readBar.Describe(fmt.Sprintf("importing (%d commands)", done))
			return
		}
		if now := time.Now(); !f.terminal && now.Sub(f.last) >= plainEvery {
			f.last = now
			fmt.Fprintf(f.w, "import: %d commands, %.0f commands/s\n", done, float64(done)/now.Sub(f.start).Seconds())
		}
		return
	}
	if f.terminal {
		if f.bar == nil {
			f.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f.w), progressbar.OptionSetDescription("importing"),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("commands"),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		_ = f.bar.Set(done)
		return
	}
	if now := time.Now(); now.Sub(f.last) >= plainEvery {
		f.last = now
		fmt.Fprintf(f.w, "import: %d of %d commands (%.0f%%), %.0f commands/s\n",
			done, total, 100*float64(done)/float64(max(total, 1)), float64(done)/now.Sub(f.start).Seconds())
	}
}

// done ends the bar.
func (f *feedback) done() {
	if f.bar != nil {
		_ = f.bar.Finish()
	}
}
