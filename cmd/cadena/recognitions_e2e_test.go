package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real server records a recognition, lists it for the pair and the
// supplier, and lists it again after a restart (the projection is rebuilt
// from the log); series and bright spots are served too.
func TestRecognitionsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)
	r := s.must(t, http.StatusCreated, "POST", "/api/v1/pairs/it/sales/recognitions", toks.Sales,
		map[string]any{"message": "the laptop came early"})
	pos := r.position(t)
	s.must(t, http.StatusForbidden, "POST", "/api/v1/pairs/it/sales/recognitions", toks.IT, map[string]any{"message": "self praise"})

	check := func(s *testServer) {
		t.Helper()
		q := fmt.Sprintf("?min_position=%d", pos)
		for _, path := range []string{"/api/v1/pairs/it/sales/recognitions", "/api/v1/departments/it/recognitions"} {
			list := s.must(t, http.StatusOK, "GET", path+q, toks.Legal, nil).json(t)
			rs, _ := list["recognitions"].([]any)
			require.Len(t, rs, 1, path)
			got := rs[0].(map[string]any)
			assert.Equal(t, "the laptop came early", got["message"], path)
			assert.Equal(t, "sales-team", got["author"], path)
			assert.Equal(t, float64(pos), got["position"], path)
		}
	}
	check(s)
	s.stop(t)
	s = startServer(t, cfg)
	check(s)

	var series []map[string]any
	require.NoError(t, json.Unmarshal(s.must(t, http.StatusOK, "GET", "/api/v1/pairs/it/sales/series?step=day", toks.Legal, nil).body, &series))
	assert.Len(t, series, 30, "the default window is 30 days")
	bright := s.must(t, http.StatusOK, "GET", "/api/v1/brightspots", toks.Legal, nil).json(t)
	assert.Contains(t, bright, "improved")
}
