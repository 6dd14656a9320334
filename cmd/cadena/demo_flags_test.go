package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemoRefusesANegativeLiveEvery checks that a negative --live-every is
// refused on one line before the demo seeds anything, instead of being
// taken as "never".
func TestDemoRefusesANegativeLiveEvery(t *testing.T) {
	demoDir := t.TempDir()
	runCLICases(t, []cliCase{
		{"demo --live-every -1s", []string{"demo", "--data", demoDir, "--addr", "127.0.0.1:0", "--live-every", "-1s"}, 1, "",
			"cadena: demo: --live-every -1s: want 0 (never) or more"},
	})
	entries, err := os.ReadDir(demoDir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the refused demos made files")
}
