package rest_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// TestBackupEndpoint: an admin gets a sound copy of the store; others 403;
// a store that cannot be copied 501.
func TestBackupEndpoint(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "GET", path: "/api/v1/admin/backup", token: tokAdmin})
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/octet-stream", rec.Header().Get("Content-Type"))
	assert.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"))
	path := filepath.Join(t.TempDir(), "cadena.db")
	require.NoError(t, os.WriteFile(path, rec.Body.Bytes(), 0o600))
	rep, err := bolt.Verify(path, 0)
	require.NoError(t, err)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, h.head(), rep.Events)

	for _, tok := range []string{tokSalesHead, tokIT} {
		checkProblem(t, h.do(req{method: "GET", path: "/api/v1/admin/backup", token: tok}), http.StatusForbidden)
	}
	checkProblem(t, h.do(req{method: "GET", path: "/api/v1/admin/backup"}), http.StatusUnauthorized)

	h = newHarness(t, func(c *rest.Config) { c.Backup = nil })
	p := checkProblem(t, h.do(req{method: "GET", path: "/api/v1/admin/backup", token: tokAdmin}), http.StatusNotImplemented)
	assert.Equal(t, "urn:cadena:problem:backup-unsupported", p.Type)
}
