package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBenchRemovesItsFiles: the stores' files of a run go with it, in a
// directory given with --data too (README: removed afterwards).
func TestBenchRemovesItsFiles(t *testing.T) {
	useTestBinaryAsCadena(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"bench", "--data", dir, "--only", "store,http,restart", "--writers", "1,2",
		"--duration", "100ms", "--connections", "2", "--events", "1000", "--pairs", "20"}, &stdout, &stderr)
	require.Equal(t, 0, code, "exit code; stderr: %s", stderr.String())
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	assert.Empty(t, names, "files left in --data")
}
