package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// The pair page's agreement, open hand-offs and latest ratings, in
// Chromium against the real server with an anonymity minimum of 2: sales
// (the customer) sees the agreement, the open hand-off with its clock, and
// no rating while the window holds one; once it holds two, both ratings
// with their comments, newest first. It (the supplier) sees the agreement
// and the open hand-off, never a rating or a comment. The bright spots
// give sales, not it, a way to thank it. Legal, neither side, reads that
// the hand-offs are not shown to it.
func TestWebPairPageAgreementOpenAndCommentsInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	cfg := e2eConfig(dir)
	cfg.anonymityMin = 2
	cfg.minVolume = 2 // it -> sales, with three hand-offs, is a bright spot
	s := startServer(t, cfg)
	setUpOrganisation(t, s, toks)

	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	request := func(id, title string, ago time.Duration) {
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{
			"id": id, "supplier": "it", "customer": "sales", "kind": "laptop", "title": title, "occurred_at": at(-ago)})
	}
	request("open-1", "A monitor for the new hire", 5*time.Hour)
	s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/open-1/accept", toks.IT, map[string]any{"occurred_at": at(-4 * time.Hour)})
	for i, ago := range []time.Duration{72 * time.Hour, 48 * time.Hour} {
		id := fmt.Sprintf("done-%d", i)
		request(id, fmt.Sprintf("Laptop %d", i), ago)
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+id+"/deliver", toks.IT, map[string]any{"note": "done", "occurred_at": at(-ago + time.Hour)})
	}
	last := s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/done-0/rating", toks.Sales,
		map[string]any{"score": 2, "comment": "late and no charger", "occurred_at": at(-10 * time.Hour)}).position(t)
	caughtUp := func(p uint64) {
		s.must(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/pairs/it/sales?min_position=%d", p), toks.Sales, nil)
	}
	caughtUp(last)

	browser, shots := startChromium(t, bin)
	sales, it := newTab(t, browser, shots), newTab(t, browser, shots)
	text := func(b tab, id string) string {
		return evalIn[string](b, fmt.Sprintf(`(document.getElementById(%q) || {textContent: ""}).textContent`, id))
	}
	open := func(b tab, token, what string) {
		b.do(what,
			// A blank page first: the tab may already show this pair (sales
			// came from its bright spots), and a navigation that changes
			// only the fragment keeps the document and its old pair page.
			chromedp.Navigate("about:blank"),
			chromedp.Navigate(s.base+"/#token="+token),
			chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/pairs/it/sales")`),
			chromedp.WaitVisible(chromedp.CSS(`#pair-out #pair-comments`)),
		)
	}

	// The bright spots offer the customer a way to thank the supplier: a
	// link to the pair page that opens on the recognition form.
	sales.do("sales opens the bright spots",
		chromedp.Navigate(s.base+"/#token="+toks.Sales+"&view=hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#bright-best a.thank`)),
	)
	assert.Equal(t, "Thank it department", evalIn[string](sales, `document.querySelector('#bright-best a.thank[data-supplier="it"][data-customer="sales"]').textContent`))
	sales.do("thank it from the bright spots",
		chromedp.Click(chromedp.CSS(`#bright-best a.thank[data-supplier="it"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pair-out #rec-form`)),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === "rec-message"`),
	)
	assert.Equal(t, "#/pairs/it/sales", evalIn[string](sales, `location.hash`))

	open(sales, toks.Sales, "sales opens the pair")
	assert.Contains(t, text(sales, "pair-agreement"), "Agreement v1:", "the agreement in force")
	assert.Contains(t, text(sales, "pair-agreement"), "resolve within 3 d", "its resolve target")
	assert.Contains(t, text(sales, "pair-agreement"), "laptop", "its kind")
	assert.Equal(t, []string{"open-1"}, evalIn[[]string](sales, `[...document.querySelectorAll("#pair-open li[data-handoff]")].map((e) => e.dataset.handoff)`),
		"the one open hand-off, and none of the delivered")
	assert.Equal(t, "on time", evalIn[string](sales, `document.querySelector('#pair-open li[data-handoff="open-1"] .clock .badge').textContent`), "its clock")
	assert.Equal(t, "#/handoffs/open-1", evalIn[string](sales, `document.querySelector('#pair-open li[data-handoff="open-1"] h3 a').getAttribute("href")`))
	assert.Contains(t, text(sales, "pair-comments"), "once the window holds 2 ratings; it holds 1", "one rating is under the anonymity minimum")
	assert.NotContains(t, text(sales, "pair-comments"), "late and no charger")
	assert.NotContains(t, text(sales, "pair-out"), "null", "nothing absent is written as null")
	sales.shot("pair-work-hidden")

	last = s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/done-1/rating", toks.Sales,
		map[string]any{"score": 5, "comment": "quick and clear", "occurred_at": at(-time.Hour)}).position(t)
	caughtUp(last)
	sales.do("sales reloads the pair page",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#pair-comments li blockquote`)),
	)
	assert.Equal(t, []string{"quick and clear", "late and no charger"},
		evalIn[[]string](sales, `[...document.querySelectorAll("#pair-comments li blockquote")].map((e) => e.textContent)`),
		"two ratings reach the minimum: their comments, newest first")
	assert.Equal(t, []string{"done-1", "done-0"}, evalIn[[]string](sales, `[...document.querySelectorAll("#pair-comments li")].map((e) => e.dataset.handoff)`))
	assert.Contains(t, text(sales, "pair-comments"), "5 of 5")
	sales.shot("pair-work-comments")

	it.do("it opens the bright spots",
		chromedp.Navigate(s.base+"/#token="+toks.IT+"&view=hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#bright-best li a.pair-link[href="#/pairs/it/sales"]`)),
	)
	assert.Zero(t, evalIn[int](it, `document.querySelectorAll("#brightspots-out a.thank").length`), "the supplier cannot thank itself")
	open(it, toks.IT, "it opens the pair")
	assert.Contains(t, text(it, "pair-agreement"), "Agreement v1:")
	assert.Equal(t, 1, evalIn[int](it, `document.querySelectorAll('#pair-open li[data-handoff="open-1"]').length`), "the supplier sees what is open")
	assert.Contains(t, text(it, "pair-comments"), "shown only to sales department and to admins")
	assert.Zero(t, evalIn[int](it, `document.querySelectorAll("#pair-comments li").length`), "no rating for the supplier's side")
	assert.NotContains(t, text(it, "pair-out"), "quick and clear")
	assert.NotContains(t, text(it, "pair-out"), "null")
	it.shot("pair-work-supplier")

	// Legal is neither side: the API lists it none of the pair's
	// hand-offs, and the page says so rather than "nothing open".
	legal := newTab(t, browser, shots)
	open(legal, toks.Legal, "legal opens the pair")
	assert.Contains(t, text(legal, "pair-open"), "shown only to it department, sales department and admins")
	assert.Zero(t, evalIn[int](legal, `document.querySelectorAll("#pair-open li").length`))
	assert.NotContains(t, text(legal, "pair-open"), "Nothing open")
}
