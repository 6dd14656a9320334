package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/testkit"
)

// TestServeReturnsWhenTheStoreCannotBeRead checks that serve gives up with
// an error when its projections cannot read the store at start (here a
// KurrentDB address nothing listens on), rather than listening, never
// ready, until it is stopped, and then hanging on the way out.
func TestServeReturnsWhenTheStoreCannotBeRead(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the KurrentDB client to give up")
	}
	dir := t.TempDir()
	writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	cfg.data, cfg.store = "", "esdb://"+freeLoopbackAddr(t)+"?tls=false"
	cfg.logLevel = "error"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &testkit.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, logs, logs, func(string) { assert.Fail(t, "ready with an unreachable store") })
	}()
	select {
	case err := <-done:
		require.Error(t, err, "serve returned no error, want the projections' error")
		assert.Contains(t, err.Error(), "projections stopped", "serve returned another error than the projections'")
	case <-time.After(60 * time.Second):
		require.FailNow(t, "serve did not return though its projections cannot read the store", "%s", logs)
	}
}
