package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer that records how many writes it took.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogWriterKeepsEveryLineInOrder writes lines from several goroutines:
// after Close every line is out once, each goroutine's in its order, and
// lines written after Close still come out.
func TestLogWriterKeepsEveryLineInOrder(t *testing.T) {
	var out lockedBuffer
	w := newLogWriter(&out)
	const writers, each = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := fmt.Fprintf(w, "g%d %d\n", g, i)
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	require.NoError(t, w.Close())
	_, err := w.Write([]byte("after close\n"))
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, writers*each+1)
	assert.Equal(t, "after close", lines[len(lines)-1])
	next := make([]int, writers)
	for _, l := range lines[:len(lines)-1] {
		var g, i int
		_, err := fmt.Sscanf(l, "g%d %d", &g, &i)
		require.NoError(t, err, l)
		assert.Equal(t, next[g], i, "goroutine %d's lines in order", g)
		next[g] = i + 1
	}
}

// TestLogWriterHoldsNoMoreThanItsBound: a line that does not fit in what
// the writer may hold is written at once, after what was pending.
func TestLogWriterHoldsNoMoreThanItsBound(t *testing.T) {
	var out lockedBuffer
	w := newLogWriter(&out)
	big := strings.Repeat("x", maxPendingLog) + "\n"
	_, err := w.Write([]byte("first\n"))
	require.NoError(t, err)
	_, err = w.Write([]byte(big))
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(out.String(), big), "the big line is out when Write returns")
	require.NoError(t, w.Close())
	assert.Equal(t, "first\n"+big, out.String())
}
