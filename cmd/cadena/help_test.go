package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpFlagPrintsToStdout checks that "cadena CMD --help" (and -h)
// prints the command's usage on standard output and exits 0, as "cadena
// help CMD" does, so that it can be piped into a pager.
func TestHelpFlagPrintsToStdout(t *testing.T) {
	sub := map[string]string{"calendar": "import", "export": "openmetrics", "token": "new"}
	for _, c := range commands {
		for _, h := range []string{"-h", "--help"} {
			lines := [][]string{{c.name, h}}
			if s, ok := sub[c.name]; ok {
				lines = append(lines, []string{c.name, s, h})
			}
			for _, args := range lines {
				t.Run(strings.Join(args, " "), func(t *testing.T) {
					var stdout, stderr bytes.Buffer
					code := run(context.Background(), args, &stdout, &stderr)
					require.Equal(t, 0, code, "exit code; stderr: %s", stderr.String())
					assert.Contains(t, stdout.String(), "Usage: cadena "+c.name, "stdout")
					assert.Empty(t, stderr.String(), "stderr")
				})
			}
		}
	}
}

// TestHelpOfACommandWithoutFlags checks that the usage of a command that
// takes no flags ends with its synopsis, without an empty Flags section,
// and that "cadena help --help" lists the commands.
func TestHelpOfACommandWithoutFlags(t *testing.T) {
	for _, args := range [][]string{{"version", "--help"}, {"help", "version"}} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, run(context.Background(), args, &stdout, &stderr), "exit code; stderr: %s", stderr.String())
		assert.Equal(t, "Usage: cadena version\n", stdout.String(), strings.Join(args, " "))
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"help", "--help"}, &stdout, &stderr), "exit code; stderr: %s", stderr.String())
	assert.Contains(t, stdout.String(), "Usage: cadena <command> [flags]", "stdout")
	assert.Empty(t, stderr.String(), "stderr")
}
