package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFeedbackPlainLines: off a terminal, a line every plainEvery with the
// events read, the hand-offs, the commands and the rate; none between.
func TestFeedbackPlainLines(t *testing.T) {
	var out bytes.Buffer
	f := newFeedback(&out)
	assert.False(t, f.terminal, "a buffer is no terminal")
	clock := f.start
	f.now = func() time.Time { return clock }

	f.read(10_000, 1_200)
	clock = clock.Add(time.Second)
	f.progress(2_000, 0)
	assert.Empty(t, out.String(), "no line before plainEvery")

	clock = clock.Add(plainEvery)
	f.progress(3_000, 0)
	assert.Equal(t, "import: 10000 events read (1667 events/s), 1200 hand-offs, 3000 commands\n", out.String())

	f.read(20_000, 2_500)
	clock = clock.Add(time.Second)
	f.progress(4_000, 0)
	assert.Equal(t, 1, bytes.Count(out.Bytes(), []byte("\n")), "one line a plainEvery")

	clock = clock.Add(plainEvery)
	f.progress(5_000, 0)
	assert.Contains(t, out.String(), "\nimport: 20000 events read (1667 events/s), 2500 hand-offs, 5000 commands\n")
}

// TestFeedbackBarAfterTheFileIsRead: on a terminal, the commands done are
// still shown once the whole file is read (the last window of events, and
// the writes, come after), until the import is done.
func TestFeedbackBarAfterTheFileIsRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(path, bytes.Repeat([]byte("c1,a,G,2011-10-11 09:00:00Z\n"), 100), 0o600))
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	var out bytes.Buffer
	f := newFeedback(&out)
	f.terminal = true // as newFeedback finds a terminal
	_, err = io.ReadAll(f.reading(file))
	require.NoError(t, err)

	out.Reset()
	f.read(100, 40)
	f.progress(3_000, 0)
	assert.Contains(t, out.String(), "100 events read", "shown after the end of the file")
	assert.Contains(t, out.String(), "40 hand-offs, 3000 commands")

	f.done()
	out.Reset()
	f.progress(4_000, 0)
	assert.Empty(t, out.String(), "nothing once done")
}
