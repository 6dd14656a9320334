package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// TestImportRefused: only a refusal of the import itself (a server's 4xx
// that sending it again would meet again, or the same kind of answer from
// the store's own service) drops "importing again resumes".
func TestImportRefused(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&importer.RemoteError{Status: 401}, true},
		{&importer.RemoteError{Status: 403}, true},
		{fmt.Errorf("sending batch: %w", &importer.RemoteError{Status: 409}), true},
		{&importer.RemoteError{Status: 408}, false},
		{&importer.RemoteError{Status: 429}, false},
		{&importer.RemoteError{Status: 503}, false},
		{errors.New("connection refused"), false},
		// The same answers from the store's own service (--data, --store).
		{fmt.Errorf("case \"c1\": request of hand-off c1-1: %w", domain.ErrConflict), true},
		{fmt.Errorf("accept of hand-off c1-1: %w", domain.ErrTransition), true},
		{fmt.Errorf("accept of hand-off c1-1: %w", domain.ErrNotFound), true},
		{fmt.Errorf("request of hand-off c1-1: %w", domain.ErrInvalid), true},
		{&domain.ValidationError{Field: "title"}, true},
		{fmt.Errorf("batch: %w", api.ErrForbidden), true},
		{fmt.Errorf("batch write failed: %w", eventstore.ErrUnavailable), false},
		{fmt.Errorf("batch write failed: %w", eventstore.ErrWrongVersion), false},
		{fmt.Errorf("batch write failed: %w", context.Canceled), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, refused(tt.err), "%v", tt.err)
	}
}

// TestImportFlagsCheckedBeforeTheFile checks that a --store of an unknown
// scheme is refused with the flags, before the file is read (here a file
// whose second row is bad, which would be reported otherwise), and that
// --dry-run with a target is refused instead of quietly ignoring it,
// making nothing.
func TestImportFlagsCheckedBeforeTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("case:concept:name,concept:name,org:group,time:timestamp\nc1,a,A\n"), 0o600))
	data := filepath.Join(dir, "data")
	dryRunWithTarget := "cadena: import: --dry-run writes nothing: give it without --data, --store or --server"
	runCLICases(t, []cliCase{
		{"unknown store scheme", []string{"import", "--format", "csv", "--store", "mysql://u:pw@db", bad}, 1, "",
			`cadena: import: --store "mysql://u:xxxxx@db": want a connection string starting with esdb://, esdb+discover://, kurrentdb://, postgres:// or postgresql://`},
		{"dry run into --data", []string{"import", "--format", "csv", "--dry-run", "--data", data, bad}, 1, "", dryRunWithTarget},
		{"dry run into --server", []string{"import", "--format", "csv", "--dry-run", "--server", "http://127.0.0.1:1", "--token-file", bad, bad}, 1, "", dryRunWithTarget},
	})
	assert.NoDirExists(t, data)
}
