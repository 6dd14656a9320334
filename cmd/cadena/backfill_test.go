package main

// The Prometheus back-fill, end to end: a demo history exported with
// "cadena export openmetrics", turned into TSDB blocks by promtool, served
// by a real Prometheus, and read back with a range query over the last
// month. Like prometheus_test.go it needs prometheus and promtool on PATH
// and skips without them.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

func TestExportOpenMetricsBackfillsPrometheus(t *testing.T) {
	for _, bin := range []string{"prometheus", "promtool"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not on PATH (Debian/Ubuntu: apt-get install prometheus): skipping the back-fill test", bin)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Now()
	_, err := seedDemo(ctx, serveConfig{data: dir}, 1)
	require.NoError(t, err)
	t.Logf("seeded in %s", time.Since(start))
	start = time.Now()

	// promtool 2.x reads the whole file once per two-hour block, so the
	// test keeps the file small: a sample every 3 hours, and the two
	// busiest pairs with the rest folded into _other (sums are unchanged).
	const step = 3 * time.Hour
	to := time.Now().UTC().Truncate(time.Hour)
	from := to.AddDate(0, -1, 0)
	file := filepath.Join(t.TempDir(), "history.om")
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"export", "openmetrics", "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339),
		"--step", step.String(), "--metrics-top-pairs", "2", "--label", "job=cadena", "--data", dir, "--out", file}, &stdout, &stderr)
	require.Equal(t, 0, code, "cadena export: %s", stderr.String())

	st, _ := os.Stat(file)
	t.Logf("exported in %s, %d bytes", time.Since(start), st.Size())
	start = time.Now()
	tsdb := filepath.Join(t.TempDir(), "data")
	out, err := exec.Command("promtool", "tsdb", "create-blocks-from", "openmetrics", file, tsdb).CombinedOutput()
	require.NoError(t, err, "promtool tsdb create-blocks-from openmetrics:\n%s", out)

	t.Logf("blocks in %s", time.Since(start))
	cfg := filepath.Join(t.TempDir(), "prometheus.yml")
	require.NoError(t, os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o600))
	// A retention longer than the month back-filled: the default (15 days)
	// would delete the older blocks at start.
	p := startPrometheus(t, cfg, tsdb, freeLoopbackAddr(t), "--storage.tsdb.retention.time=400d")
	p.waitFor(t, time.Now().Add(60*time.Second), "Prometheus to be ready", func() bool {
		resp, err := http.Get(p.base + "/-/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	// The expected values, counted from the log itself: every request and
	// every delivery at or before each step.
	events, err := readLog(ctx, serveConfig{data: dir})
	require.NoError(t, err)
	want := map[string][]float64{}
	for _, family := range []string{"requested", "delivered"} {
		for at := from; !at.After(to); at = at.Add(step) {
			n := 0
			for _, env := range events {
				_, req := env.Event.(domain.HandoffRequested)
				_, del := env.Event.(domain.HandoffDelivered)
				if ((family == "requested" && req) || (family == "delivered" && del)) && !domain.OccurredAt(env.Event).After(at) {
					n++
				}
			}
			want[family] = append(want[family], float64(n))
		}
	}
	require.Greater(t, want["requested"][len(want["requested"])-1], want["requested"][0], "the demo requests hand-offs during the month")

	for family, values := range want {
		var data struct {
			Result []struct {
				Values [][2]any `json:"values"`
			} `json:"result"`
		}
		p.api(t, "/api/v1/query_range?"+url.Values{
			"query": {"sum(cadena_handoffs_" + family + `_total{job="cadena"})`},
			"start": {strconv.FormatInt(from.Unix(), 10)}, "end": {strconv.FormatInt(to.Unix(), 10)}, "step": {strconv.Itoa(int(step.Seconds()))},
		}.Encode(), &data)
		result := data.Result
		require.Len(t, result, 1, "sum(cadena_handoffs_%s_total) over the month", family)
		var got []float64
		for _, v := range result[0].Values {
			f, err := strconv.ParseFloat(v[1].(string), 64)
			require.NoError(t, err)
			got = append(got, f)
		}
		assert.Equal(t, values, got, "sum(cadena_handoffs_%s_total), step by step", family)
	}

	// The gauges and the histogram came through too.
	var series []json.RawMessage
	p.api(t, "/api/v1/series?"+url.Values{"match[]": {"cadena_handoffs_open", "cadena_handoff_lead_time_seconds_bucket", "cadena_pair_friction_score"},
		"start": {strconv.FormatInt(from.Unix(), 10)}, "end": {strconv.FormatInt(to.Unix(), 10)}}.Encode(), &series)
	assert.NotEmpty(t, series)
}

func TestExportUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "want 'cadena export openmetrics"},
		{[]string{"export", "openmetrics", "--to", "2026-01-02", "--data", dir}, "--from is required"},
		{[]string{"export", "openmetrics", "--from", "yesterday", "--to", "2026-01-02", "--data", dir}, `--from "yesterday": want YYYY-MM-DD or an RFC 3339 time`},
		{[]string{"export", "openmetrics", "--from", "2026-01-02", "--to", "2026-01-01", "--data", dir}, "--to 2026-01-01 is before --from 2026-01-02"},
		{[]string{"export", "openmetrics", "--from", "2026-01-01", "--to", "2026-01-02", "--step", "0s", "--data", dir}, "--step 0s: want a positive duration"},
		{[]string{"export", "openmetrics", "--from", "2020-01-01", "--to", "2026-01-02", "--step", "1s", "--data", dir}, "take a longer step"},
		{[]string{"export", "openmetrics", "--from", "2026-01-01", "--to", "2026-01-02"}, "give --data DIR or --store URL"},
		{[]string{"export", "openmetrics", "--label", "supplier=x"}, "supplier is a label of the business families"},
		{[]string{"export", "openmetrics", "--label", "job"}, `"job": want NAME=VALUE`},
	} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), tc.args, &stdout, &stderr), tc.args)
		assert.Contains(t, stderr.String(), tc.want)
		assert.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line: %s", stderr.String())
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run(context.Background(), []string{"export", "openmetrics", "--from", "2026-01-01", "--to", "2026-01-02", "--data", dir}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "export: no event store in "+dir)
}
