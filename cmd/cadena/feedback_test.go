package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
