package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The policy's flags are checked before anything is opened.
func TestServeRefusesAPolicyOutOfRange(t *testing.T) {
	dir := t.TempDir()
	runCLICases(t, []cliCase{
		{"anonymity minimum 0", []string{"serve", "--tokens", "t.json", "--data", dir, "--anonymity-min", "0"}, 1, "",
			"cadena: --anonymity-min 0: want at least 1 rating"},
		{"minimum volume 0", []string{"serve", "--tokens", "t.json", "--data", dir, "--min-volume", "0"}, 1, "",
			"cadena: --min-volume 0: want at least 1 hand-off"},
		{"unknown time zone", []string{"serve", "--tokens", "t.json", "--data", dir, "--timezone", "Mars/Olympus"}, 1, "",
			`cadena: --timezone "Mars/Olympus": unknown time zone Mars/Olympus`},
		{"help names --min-volume", []string{"help", "serve"}, 0, "-min-volume int", ""},
	})
}

// TestAnonymityMinimumHidesSatisfactionInTheAPIAndInMetrics runs the real
// server with --anonymity-min 3: one delivery rated five times is one
// rating, so the pair's satisfaction stays hidden in the API and its
// per-score counters stay out of the unauthenticated /metrics; three
// delivered hand-offs rated once each show both.
func TestAnonymityMinimumHidesSatisfactionInTheAPIAndInMetrics(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	cfg.anonymityMin = 3
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	deliver := func(id string) {
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
			"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "Laptop " + id})
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/deliver", toks.IT, map[string]any{"note": "done"})
	}
	rate := func(id string, score int) uint64 {
		return s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/rating", toks.Sales, map[string]any{"score": score}).position(t)
	}
	// satisfaction reads the pair's figures once the projections reached pos.
	satisfaction := func(pos uint64) map[string]any {
		r := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/it/sales?min_position=%d", pos), toks.Legal, nil)
		sat, ok := r.json(t)["satisfaction"].(map[string]any)
		require.True(t, ok, "satisfaction in %s", r.body)
		return sat
	}
	// ratingSeries returns the pair's cadena_handoff_ratings_total series
	// by score; read after satisfaction, so the projections caught up.
	ratingSeries := func() map[string]float64 {
		r := s.must(t, http.StatusOK, "GET", "/metrics", "", nil)
		out := map[string]float64{}
		sc := bufio.NewScanner(bytes.NewReader(r.body))
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, "cadena_handoff_ratings_total{") ||
				!strings.Contains(line, `supplier="it"`) || !strings.Contains(line, `customer="sales"`) {
				continue
			}
			labels, value, ok := strings.Cut(line, "} ")
			require.True(t, ok, line)
			_, score, _ := strings.Cut(labels, `score="`)
			v, err := strconv.ParseFloat(value, 64)
			require.NoError(t, err, line)
			out[strings.TrimSuffix(score[:1], `"`)] = v
		}
		require.NoError(t, sc.Err())
		return out
	}

	deliver("h1")
	var pos uint64
	for _, score := range []int{1, 2, 3, 4, 5} {
		pos = rate("h1", score) // re-ratings replace: still one rating
	}
	sat := satisfaction(pos)
	assert.Equal(t, 1.0, sat["ratings"])
	for _, hidden := range []string{"mean", "csat", "dissatisfied", "distribution"} {
		assert.Nil(t, sat[hidden], "satisfaction %s is shown for one rating given five times", hidden)
	}
	assert.Empty(t, ratingSeries(), "/metrics exports the ratings of a pair under the anonymity minimum")

	deliver("h2")
	deliver("h3")
	rate("h2", 4)
	pos = rate("h3", 2)
	sat = satisfaction(pos)
	assert.Equal(t, 3.0, sat["ratings"])
	assert.InDelta(t, (5.0+4+2)/3, sat["mean"], 1e-9)
	// The counters count rating events: h1's five, h2's and h3's.
	assert.Equal(t, map[string]float64{"1": 1, "2": 2, "3": 1, "4": 2, "5": 1}, ratingSeries())
}
