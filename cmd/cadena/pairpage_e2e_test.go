package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pair page in Chromium against the real server: its charts have one
// volume bar per bucket of the series endpoint and one SLA point per bucket
// with a compliance, and a recognition sales sends from the page appears
// on it.
func TestWebPairPageInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, e2eConfig(dir))
	last := setUpOrganisation(t, s, toks)

	// Three hand-offs from it to sales in different weeks of the page's
	// default window (the last 30 days), each accepted and delivered.
	now := time.Now().UTC().Truncate(time.Second)
	for i, daysAgo := range []int{20, 10, 2} {
		at := func(h int) string {
			return now.AddDate(0, 0, -daysAgo).Add(time.Duration(h) * time.Hour).Format(time.RFC3339)
		}
		id := fmt.Sprintf("laptop-%d", i)
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
			"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": "A laptop", "occurred_at": at(0)})
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/accept", toks.IT, map[string]any{"occurred_at": at(1)})
		last = s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/deliver", toks.IT, map[string]any{"occurred_at": at(2)}).position(t)
	}
	// The page's window: 30 days before today (UTC, the default time zone) to today included.
	today := now.Truncate(24 * time.Hour)
	window := fmt.Sprintf("from=%s&to=%s", today.AddDate(0, 0, -30).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly))
	r := s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/it/sales/series?%s&step=week&min_position=%d", window, last), toks.Sales, nil)
	var series []struct {
		Requested int `json:"requested"`
		SLA       struct {
			Compliance *float64 `json:"compliance"`
		} `json:"sla"`
	}
	require.NoError(t, json.Unmarshal(r.body, &series))
	require.NotEmpty(t, series)
	withSLA, requested := 0, 0
	for _, b := range series {
		if b.SLA.Compliance != nil {
			withSLA++
		}
		requested += b.Requested
	}
	require.Equal(t, 3, requested, "the series counts the seeded hand-offs")

	shots, err := os.MkdirTemp("", "cadena-web-screenshots-")
	require.NoError(t, err)
	t.Logf("screenshots in %s", shots)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(browser))
	sales := tab{t, browser, shots}

	sales.do("sign in as sales and open the pair",
		chromedp.Navigate(s.base+"/#/pairs/it/sales"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), toks.Sales),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
	)
	count := func(chart string) int {
		return evalIn[int](sales, fmt.Sprintf(`document.querySelectorAll('#pair-out [data-chart=%q] .pt').length`, chart))
	}
	assert.Equal(t, len(series), count("volume"), "volume bars: one per bucket")
	assert.Equal(t, withSLA, count("sla"), "SLA points: one per bucket with a compliance")
	shotRedrawn(sales, "pair")

	message := "Thank you for the laptops, all three on time."
	sales.do("send a recognition",
		chromedp.SendKeys(chromedp.ID("rec-message"), message),
		chromedp.Click(chromedp.CSS(`#rec-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#pair-recs li`)),
	)
	got := evalIn[string](sales, `document.querySelector("#pair-recs li blockquote").textContent`)
	assert.Equal(t, message, got, "the recognition on the pair page")
	shotRedrawn(sales, "pair-recognised")

	sales.do("open the hotspots with the bright spots",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/hotspots")`),
		chromedp.WaitVisible(chromedp.CSS(`#brightspots-out .bright`)),
	)
	sales.shot("hotspots")
}

// shotRedrawn is shot with the view drawn again at each size (Apply), as
// the page draws its charts for the screen's width.
func shotRedrawn(b tab, name string) {
	b.t.Helper()
	for _, size := range [][2]int64{{1280, 900}, {390, 844}} {
		b.do("resize and redraw", chromedp.EmulateViewport(size[0], size[1]),
			chromedp.Evaluate[chromedp.Void](`void document.getElementById("pair-out").replaceChildren()`),
			chromedp.Click(chromedp.CSS(`#window button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)))
		ctx, cancel := context.WithTimeout(b.ctx, step)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		require.NoError(b.t, err)
		p := filepath.Join(b.shots, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]))
		require.NoError(b.t, os.WriteFile(p, png, 0o644))
		b.t.Logf("screenshot: %s", p)
	}
	b.do("resize", chromedp.EmulateViewport(1280, 900))
}
