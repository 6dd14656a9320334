package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestServeMeetsDamageWhileReplaying: a store whose file opens but one of
// whose records is corrupt (damage bbolt does not see at open) stops
// serve while the projections replay the log, on one line that names the
// file and points at verify, instead of a server that never gets ready.
func TestServeMeetsDamageWhileReplaying(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, storeFileName)
	s, err := bolt.Open(path, bolt.Options{})
	require.NoError(t, err)
	marked := []byte(`{"pad":"` + strings.Repeat("m", 300) + `"}`)
	for i := range 100 {
		data := []byte(`{"pad":"` + strings.Repeat("x", 200) + `"}`)
		if i == 40 {
			data = marked
		}
		_, err := s.Append(context.Background(), fmt.Sprintf("s-%d", i%7), eventstore.Any,
			eventstore.EventData{ID: eventstore.NewID(), Type: "t.v1", Data: data})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())

	// The record's data length (a uvarint just before the data) made
	// larger than the record: every copy of it in the file.
	whole, err := os.ReadFile(path)
	require.NoError(t, err)
	length := binary.AppendUvarint(nil, uint64(len(marked)))
	require.Len(t, length, 2)
	pattern := append(append([]byte("t.v1"), length...), marked...)
	n := bytes.Count(whole, pattern)
	require.Positive(t, n, "the marked record is in the file")
	damaged := bytes.ReplaceAll(whole, pattern, append(append([]byte("t.v1"), 0xff, 0x7f), marked...))
	require.NoError(t, os.WriteFile(path, damaged, 0o600))

	tokens := filepath.Join(t.TempDir(), "tokens.json")
	writeTokensFile(t, tokens)
	// A bound on a hang, not a timed assertion: serve must return by
	// itself, long before.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"serve", "--data", dir, "--tokens", tokens, "--addr", "127.0.0.1:0", "--log-level", "error"}, &stdout, &stderr)
	require.NoError(t, ctx.Err(), "serve hung on a damaged record")
	errOut := stderr.String()
	assert.Equal(t, 1, code)
	last := errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:]
	assert.True(t, strings.HasPrefix(last, "cadena: "), "the error is the last line: %s", errOut)
	assert.Contains(t, last, path)
	assert.Contains(t, last, "corrupt record at position 41")
	assert.Contains(t, last, "cadena verify --data "+dir)
	assert.NotContains(t, errOut, "goroutine")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, damaged, after, "the file was changed")

	// And verify, as suggested, finds it.
	code, out, errOut := runCLI("verify", "--data", dir)
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "position 41")
	t.Logf("serve said: %s", last)
}
