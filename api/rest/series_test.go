package rest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// history seeds it -> sales with a rough previous fortnight (escalated,
// returned) and a smooth current one (delivered within the agreement,
// rated 5), and legal -> it with returns in the current fortnight only.
// It returns the current window's from and to (YYYY-MM-DD).
func (h *harness) history() (string, string) {
	h.t.Helper()
	h.seed()
	today := now.Truncate(24 * time.Hour)
	at := func(days int, hours int) string {
		return today.AddDate(0, 0, days).Add(time.Duration(hours) * time.Hour).Format(time.RFC3339)
	}
	cmd := func(tok, id, name string, body map[string]any) {
		h.t.Helper()
		h.json(req{method: "POST", path: "/api/v1/handoffs/" + id + "/" + name, token: tok, body: body}, 200)
	}
	open := func(tok, id, supplier, customer, when string) {
		h.t.Helper()
		h.json(req{method: "POST", path: "/api/v1/handoffs", token: tok, body: map[string]any{"id": id, "supplier": supplier,
			"customer": customer, "kind": "work", "title": "t", "occurred_at": when}}, 201)
	}
	for i, day := range []int{-25, -22, -18} {
		id := fmt.Sprintf("old%d", i)
		open(tokSales, id, "it", "sales", at(day, 9))
		cmd(tokSales, id, "escalate", map[string]any{"reason": "late", "occurred_at": at(day, 10)})
		cmd(tokIT, id, "deliver", map[string]any{"occurred_at": at(day, 11)})
		cmd(tokSales, id, "return", map[string]any{"reason": "wrong", "occurred_at": at(day, 12)})
		cmd(tokIT, id, "deliver", map[string]any{"occurred_at": at(day, 13)})
	}
	for i, day := range []int{-12, -8, -3} {
		id := fmt.Sprintf("new%d", i)
		open(tokSales, id, "it", "sales", at(day, 9))
		cmd(tokIT, id, "deliver", map[string]any{"occurred_at": at(day, 11)})
		cmd(tokSales, id, "rating", map[string]any{"score": 5, "occurred_at": at(day, 12)})
		id = fmt.Sprintf("legal%d", i)
		open(tokAdmin, id, "legal", "it", at(day, 9))
		cmd(tokAdmin, id, "deliver", map[string]any{"occurred_at": at(day, 11)})
		cmd(tokAdmin, id, "return", map[string]any{"reason": "redo", "occurred_at": at(day, 12)})
		cmd(tokAdmin, id, "deliver", map[string]any{"occurred_at": at(day, 13)})
	}
	return today.AddDate(0, 0, -14).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)
}

func TestSeriesBucketsEqualThePairEndpoint(t *testing.T) {
	h := newHarness(t)
	h.history()
	today := now.Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -30).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)
	pos := fmt.Sprintf("&min_position=%d", h.head())
	for _, step := range []string{"day", "week", "month"} {
		buckets := h.list(req{method: "GET", path: "/api/v1/pairs/it/sales/series?from=" + from + "&to=" + to + "&step=" + step + pos, token: tokLegal}, 200)
		require.NotEmpty(t, buckets)
		first, last := buckets[0].(map[string]any), buckets[len(buckets)-1].(map[string]any)
		assert.Equal(t, from, first["from"], "the first bucket is clipped to the window")
		assert.Equal(t, to, last["to"], "the last bucket is clipped to the window")
		requested := 0.0
		for i, b := range buckets {
			b := b.(map[string]any)
			if i > 0 {
				assert.Equal(t, buckets[i-1].(map[string]any)["to"], b["from"], "buckets are contiguous")
			}
			pair := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/pairs/it/sales?from=%s&to=%s", b["from"], b["to"]), token: tokLegal}, 200)
			pair["from"], pair["to"] = b["from"], b["to"]
			assert.Equal(t, pair, b, "%s bucket %d equals the pair over its window", step, i)
			requested += b["requested"].(float64)
		}
		assert.Equal(t, 6.0, requested, "%s: every hand-off of the window in one bucket", step)
		if step == "day" {
			assert.Len(t, buckets, 31)
		}
		if step == "week" {
			for _, b := range buckets[1:] {
				d, err := time.Parse(time.DateOnly, b.(map[string]any)["from"].(string))
				require.NoError(t, err)
				assert.Equal(t, time.Monday, d.Weekday(), "weeks start on Monday")
			}
		}
	}

	card := h.list(req{method: "GET", path: "/api/v1/departments/it/series?side=customer&step=month&from=" + from + "&to=" + to, token: tokSales}, 200)
	total := 0.0
	for _, b := range card {
		b := b.(map[string]any)
		assert.Equal(t, "*", b["supplier"])
		assert.Equal(t, "it", b["customer"])
		sc := h.json(req{method: "GET", path: fmt.Sprintf("/api/v1/departments/it/scorecard?from=%s&to=%s", b["from"], b["to"]), token: tokSales}, 200)
		want := sc["as_customer"].(map[string]any)
		want["from"], want["to"] = b["from"], b["to"]
		assert.Equal(t, want, b)
		total += b["requested"].(float64)
	}
	assert.Equal(t, 3.0, total, "it requested from legal three times")
	sup := h.list(req{method: "GET", path: "/api/v1/departments/it/series?from=" + from + "&to=" + to, token: tokSales}, 200)
	require.NotEmpty(t, sup)
	for _, b := range sup {
		assert.Equal(t, "it", b.(map[string]any)["supplier"], "side defaults to supplier")
	}
	for _, b := range sup[1:] {
		d, err := time.Parse(time.DateOnly, b.(map[string]any)["from"].(string))
		require.NoError(t, err)
		assert.Equal(t, time.Monday, d.Weekday(), "step defaults to week")
	}
}

func TestSeriesErrors(t *testing.T) {
	h := newHarness(t)
	h.seed()
	for _, tt := range []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/pairs/it/sales/series?step=hour", 400, "step"},
		{"/api/v1/pairs/it/sales/series?from=2024-01-01&to=2026-01-01&step=day", 422, "step"},
		{"/api/v1/pairs/it/sales/series?from=2026-01-02&to=2026-01-01", 400, "to"},
		{"/api/v1/pairs/it/hr/series", 404, "customer"},
		{"/api/v1/departments/it/series?side=both", 400, "side"},
		{"/api/v1/departments/hr/series", 404, ""},
		{"/api/v1/departments/it/series?from=1990-01-01&to=2000-01-01&step=week", 422, "step"},
		{"/api/v1/pairs/it/sales/series?from=1990-01-01&to=2026-01-01&step=month", 422, "step"},
	} {
		// Read after the seed is applied: a 404 must mean unknown, not not yet.
		sep := "?"
		if strings.Contains(tt.path, "?") {
			sep = "&"
		}
		path := fmt.Sprintf("%s%smin_position=%d", tt.path, sep, h.head())
		p := checkProblem(t, h.do(req{method: "GET", path: path, token: tokSales}), tt.status)
		assert.Equal(t, tt.field, p.Field, tt.path)
	}
	ok := h.list(req{method: "GET", path: "/api/v1/pairs/it/sales/series?from=2024-01-01&to=2025-02-04&step=day", token: tokSales}, 200)
	assert.Len(t, ok, 400, "400 days (2024 is a leap year) are 400 buckets")
	ok = h.list(req{method: "GET", path: "/api/v1/pairs/it/sales/series?from=2016-01-01&to=2026-01-01&step=month", token: tokSales}, 200)
	assert.Len(t, ok, 120)
}

func TestBrightSpots(t *testing.T) {
	h := newHarness(t)
	from, to := h.history()
	pos := fmt.Sprintf("&min_position=%d", h.head())
	b := h.json(req{method: "GET", path: "/api/v1/brightspots?min_volume=2&from=" + from + "&to=" + to + pos, token: tokLegal}, 200)
	fromDay, err := time.Parse(time.DateOnly, from)
	require.NoError(t, err)
	assert.Equal(t, fromDay.AddDate(0, 0, -15).Format(time.DateOnly), b["previous_from"])
	assert.Equal(t, from, b["previous_to"])
	best := b["best"].([]any)
	require.Len(t, best, 2)
	assert.Equal(t, "it", best[0].(map[string]any)["supplier"], "compliance 1 first")
	assert.Equal(t, "legal", best[1].(map[string]any)["supplier"], "no compliance after")
	improved := b["improved"].([]any)
	require.Len(t, improved, 1)
	imp := improved[0].(map[string]any)
	prev := h.json(req{method: "GET", path: "/api/v1/pairs/it/sales?from=" + b["previous_from"].(string) + "&to=" + from, token: tokLegal}, 200)
	cur := h.json(req{method: "GET", path: "/api/v1/pairs/it/sales?from=" + from + "&to=" + to, token: tokLegal}, 200)
	prevScore := prev["friction"].(map[string]any)["score"].(float64)
	curScore := cur["friction"].(map[string]any)["score"].(float64)
	require.Greater(t, prevScore, curScore)
	assert.Equal(t, map[string]any{"supplier": "it", "customer": "sales", "friction_score": curScore,
		"previous_friction_score": prevScore, "drop": prevScore - curScore, "requested": 3.0, "previous_requested": 3.0}, imp)

	one := h.json(req{method: "GET", path: "/api/v1/brightspots?limit=1&min_volume=2&from=" + from + "&to=" + to, token: tokLegal}, 200)
	assert.Len(t, one["best"], 1)
	none := h.json(req{method: "GET", path: "/api/v1/brightspots?from=" + from + "&to=" + to, token: tokLegal}, 200)
	assert.Empty(t, none["best"], "the policy's min_volume (5) leaves no pair")
	assert.Empty(t, none["improved"])
	for _, path := range []string{"/api/v1/brightspots?limit=0", "/api/v1/brightspots?min_volume=x", "/api/v1/brightspots?from=x"} {
		p := checkProblem(t, h.do(req{method: "GET", path: path, token: tokLegal}), 400)
		assert.NotEmpty(t, p.Field, path)
	}
}
