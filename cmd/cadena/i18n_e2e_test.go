package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pair page, the bright spots, a recognition and the Spanish page in
// Chromium against the real server holding the demo organisation: a sales
// member opens the first pair of the hotspots table, whose charts have one
// point per week of the window with the values of the series endpoint; the
// bright spots list the API's best pair and the demo's most improved one
// (finance -> sales); a recognition sent from the page shows on it and on
// the supplier's scorecard; switching to Spanish changes the headings and
// the dates, and a reload keeps Spanish.
func TestWebSpanishAndPairPageOnTheDemoInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	_, err := seedDemo(context.Background(), serveConfig{data: dir}, 1)
	require.NoError(t, err)
	tokens, err := writeDemoTokens(filepath.Join(dir, "tokens.json"))
	require.NoError(t, err)
	cfg := e2eConfig(dir)
	cfg.anonymityMin, cfg.minVolume = 5, 5
	s := startServer(t, cfg)
	sales := tokens[1] // sales-team, a member of sales

	// The browser's language is English, so the page starts in English.
	shots, err := os.MkdirTemp("", "cadena-web-i18n-")
	require.NoError(t, err)
	t.Logf("screenshots in %s", shots)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 800), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "en-GB"), chromedp.Flag("accept-lang", "en-GB,en"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(browser))
	b := tab{t, browser, shots}

	b.do("sign in as sales and open the hotspots",
		chromedp.Navigate(s.base+"/#token="+sales+"&view=hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#hotspots-out a.pair-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#brightspots-out .bright`)),
	)
	assert.Equal(t, "en", evalIn[string](b, `document.documentElement.lang`))
	window := evalIn[string](b, `(() => { const to = document.getElementById("to").valueAsDate;
		return "from=" + document.getElementById("from").value + "&to=" + new Date(to.getTime() + 86400000).toISOString().slice(0, 10); })()`)

	// The bright spots: the API's best pair first, the demo's improved pair.
	var bright struct {
		Best     []struct{ Supplier, Customer string } `json:"best"`
		Improved []struct{ Supplier, Customer string } `json:"improved"`
	}
	r := s.must(t, http.StatusOK, "GET", "/api/v1/brightspots?"+window+"&limit=5&min_volume=5", sales, nil)
	require.NoError(t, json.Unmarshal(r.body, &bright))
	require.NotEmpty(t, bright.Best, "the demo has pairs serving well")
	require.NotEmpty(t, bright.Improved)
	assert.Equal(t, "finance", bright.Improved[0].Supplier, "the demo's improved pair")
	assert.Equal(t, "sales", bright.Improved[0].Customer, "the demo's improved pair")
	assert.Equal(t, fmt.Sprintf("#/pairs/%s/%s", bright.Best[0].Supplier, bright.Best[0].Customer),
		evalIn[string](b, `document.querySelector("#bright-best li a.pair-link").getAttribute("href")`), "the best pair heads the list")
	assert.Equal(t, "#/pairs/finance/sales",
		evalIn[string](b, `document.querySelector("#bright-improved li a.pair-link").getAttribute("href")`))
	screenshots(b, "brightspots", false)

	// Open the first hotspot, the way a user would.
	href := evalIn[string](b, `document.querySelector("#hotspots-out a.pair-link").getAttribute("href")`)
	m := regexp.MustCompile(`^#/pairs/([^/]+)/([^/]+)$`).FindStringSubmatch(href)
	require.Len(t, m, 3, "the hotspot links to a pair: %q", href)
	supplier, customer := m[1], m[2]
	require.Equal(t, "sales", customer, "the demo's first hotspot is one sales is the customer of")
	b.do("open the first hotspot",
		chromedp.Click(chromedp.CSS(`#hotspots-out a.pair-link`)),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
	)
	var series []struct {
		From      string `json:"from"`
		Requested float64
		SLA       struct {
			Compliance *float64 `json:"compliance"`
		} `json:"sla"`
		Friction struct {
			Score *float64 `json:"score"`
		} `json:"friction"`
	}
	r = s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/%s/%s/series?%s&step=week", supplier, customer, window), sales, nil)
	require.NoError(t, json.Unmarshal(r.body, &series))
	assert.Len(t, series, weeks(t, window), "one bucket per week of the window, cut at Mondays")
	values := func(chart string) []float64 {
		return evalIn[[]float64](b, fmt.Sprintf(`[...document.querySelectorAll('#pair-out [data-chart=%q] .pt')].map((e) => Number(e.dataset.value))`, chart))
	}
	var requested, sla, friction []float64
	for _, bk := range series {
		requested = append(requested, bk.Requested)
		if bk.SLA.Compliance != nil {
			sla = append(sla, *bk.SLA.Compliance)
		}
		if bk.Friction.Score != nil {
			friction = append(friction, *bk.Friction.Score)
		}
	}
	assert.Equal(t, requested, values("volume"), "one volume bar per week, the series' requested")
	assert.Equal(t, sla, values("sla"), "one SLA point per week with a compliance, the series' values")
	assert.Equal(t, friction, values("friction"), "one friction total per week, the series' scores")
	assert.Positive(t, evalIn[int](b, `document.querySelectorAll('#pair-out [data-chart=friction] .seg').length`), "the drivers are stacked")
	assert.Equal(t, 4, evalIn[int](b, `document.querySelectorAll('#pair-out [data-chart=friction] .legend li[data-driver]').length`), "a legend entry per driver")
	screenshots(b, "pair", true)

	message := "Gracias por revisar los contratos tan rápido."
	b.do("send a recognition",
		chromedp.SendKeys(chromedp.ID("rec-message"), message),
		chromedp.Click(chromedp.CSS(`#rec-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#pair-recs li`)),
	)
	assert.Equal(t, message, evalIn[string](b, `document.querySelector("#pair-recs li blockquote").textContent`), "the recognition on the pair page")
	english := evalIn[string](b, `document.querySelector("#pair-recs li time").textContent`)
	assert.Regexp(t, `^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec) \d{4}, \d\d:\d\d$`, english, "an English date")
	assert.Equal(t, "Week by week", evalIn[string](b, `document.querySelector("#pair-out h2").textContent`))
	screenshots(b, "pair-recognised", true)

	b.do("switch to Spanish",
		chromedp.Click(chromedp.CSS(`button[data-lang=es]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
		chromedp.Poll[chromedp.Void](`document.querySelector("#pair-out h2") && document.querySelector("#pair-out h2").textContent === "Semana a semana"`),
	)
	spanish := func(when string) {
		t.Helper()
		assert.Equal(t, "es", evalIn[string](b, `document.documentElement.lang`), "%s: <html lang>", when)
		assert.Equal(t, "Semana a semana", evalIn[string](b, `document.querySelector("#pair-out h2").textContent`), "%s: the charts' heading", when)
		assert.Equal(t, "Puntos de fricción", evalIn[string](b, `document.querySelector('.tabs a[data-view=hotspots]').textContent`), "%s: the tabs", when)
		assert.Equal(t, "Puntuación de fricción y sus causas", evalIn[string](b, `document.querySelector('[data-chart=friction] figcaption').textContent`), "%s", when)
		date := evalIn[string](b, `document.querySelector("#pair-recs li time").textContent`)
		assert.Regexp(t, `^\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) \d{4}, \d{1,2}:\d\d$`, date, "%s: a Spanish date", when)
		assert.NotEqual(t, english, date, "%s: the date is written the Spanish way", when)
	}
	spanish("after the switch")
	screenshots(b, "pair-es", true)

	b.do("reload",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
		chromedp.WaitVisible(chromedp.CSS(`ul#pair-recs li`)),
	)
	spanish("after a reload")

	b.do("the supplier's scorecard, in Spanish",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void (location.hash = "#/scorecard/%s")`, supplier)),
		chromedp.WaitVisible(chromedp.CSS(`#scorecard-recs li`)),
	)
	assert.Equal(t, message, evalIn[string](b, `document.querySelector("#scorecard-recs li blockquote").textContent`), "newest first on the supplier's scorecard")
	assert.Contains(t, evalIn[string](b, `document.querySelector("#scorecard-out .side h2").textContent`), "Como proveedor")
	assert.Equal(t, href, evalIn[string](b, fmt.Sprintf(`document.querySelector('#scorecard-out table.pairs a[href=%q]').getAttribute("href")`, href)),
		"the scorecard's customer row links to the pair")
	screenshots(b, "scorecard-es", false)

	b.do("the hotspots, in Spanish",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/hotspots")`),
		chromedp.WaitVisible(chromedp.CSS(`#brightspots-out .bright`)),
	)
	assert.Equal(t, "Buenas prácticas", evalIn[string](b, `document.getElementById("brightspots-h").textContent`))
	screenshots(b, "hotspots-es", false)

	b.do("the chain, in Spanish",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/chain")`),
		chromedp.WaitVisible(chromedp.CSS(`#chain-out svg.chain`)),
	)
	assert.Equal(t, evalIn[int](b, `document.querySelectorAll("svg.chain g.edge").length`),
		evalIn[int](b, `document.querySelectorAll("svg.chain a.edge-link > g.edge").length`), "every edge is a link")
	screenshots(b, "chain-es", false)
	edge := evalIn[string](b, `document.querySelector("svg.chain a.edge-link").getAttribute("href")`)
	require.Regexp(t, `^#/pairs/[^/]+/[^/]+$`, edge)
	b.do("open a pair from the chain",
		chromedp.Evaluate[chromedp.Void](`void document.querySelector("svg.chain a.edge-link").dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }))`),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
	)
	assert.Equal(t, edge, evalIn[string](b, `location.hash`), "the edge opened its pair")
}

// weeks counts the buckets of a weekly series over a window "from=&to=":
// one per Monday strictly inside it, plus the first.
func weeks(t *testing.T, window string) int {
	t.Helper()
	m := regexp.MustCompile(`from=(\d{4}-\d\d-\d\d)&to=(\d{4}-\d\d-\d\d)`).FindStringSubmatch(window)
	require.Len(t, m, 3, window)
	from, err := time.Parse(time.DateOnly, m[1])
	require.NoError(t, err)
	to, err := time.Parse(time.DateOnly, m[2])
	require.NoError(t, err)
	n := 1
	for d := from.AddDate(0, 0, 1); d.Before(to); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Monday {
			n++
		}
	}
	return n
}

// screenshots saves the page at 1280x800 and 390x844 and logs the files;
// with redraw, the pair page is drawn again at each width (Apply), as its
// charts are drawn for the screen's width.
func screenshots(b tab, name string, redraw bool) {
	b.t.Helper()
	for _, size := range [][2]int64{{1280, 800}, {390, 844}} {
		b.do("resize", chromedp.EmulateViewport(size[0], size[1]))
		if redraw {
			b.do("redraw",
				chromedp.Evaluate[chromedp.Void](`void document.getElementById("pair-out").replaceChildren()`),
				chromedp.Click(chromedp.CSS(`#window button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`#pair-out .charts`)),
				chromedp.WaitVisible(chromedp.CSS(`#pair-recs`)))
		}
		// As tab.shot does: lay the page out at this width, then capture a
		// viewport as tall as the page (the full-page capture may leave
		// parts below the fold unpainted).
		height := max(size[1], int64(evalIn[float64](b, `document.documentElement.scrollHeight`)))
		b.do("resize to the page's height", chromedp.EmulateViewport(size[0], height))
		ctx, cancel := context.WithTimeout(b.ctx, step)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		require.NoError(b.t, err)
		p := filepath.Join(b.shots, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]))
		require.NoError(b.t, os.WriteFile(p, png, 0o644))
		b.t.Logf("screenshot: %s", p)
	}
	b.do("resize", chromedp.EmulateViewport(1280, 800))
}
