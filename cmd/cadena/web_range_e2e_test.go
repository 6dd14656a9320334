package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A log imported from 2011 lies outside the default window: the page says
// where the history is and one click sets the window to it.
func TestWebPageFindsAnOldLogInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, e2eConfig(dir))
	setUpOrganisation(t, s, toks)
	s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{"id": "old", "supplier": "it",
		"customer": "sales", "kind": "laptop", "title": "A laptop in 2011", "occurred_at": "2011-05-03T08:00:00Z"})
	s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/old/deliver", toks.IT, map[string]any{"occurred_at": "2011-06-20T10:00:00Z"})
	browser, shots := startChromium(t, bin)
	admin := tab{t, browser, shots}

	admin.do("open the hotspots",
		chromedp.Navigate(s.base+"/#token="+toks.Admin+"&view=hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#window-hint button`)),
	)
	assert.Contains(t, evalIn[string](admin, `document.getElementById("window-hint").textContent`), "from 3 May 2011 to 20 Jun 2011")
	admin.shot("window-hint")
	admin.do("set the window to the history",
		chromedp.Click(chromedp.CSS(`#window-hint button`)),
		chromedp.WaitNotVisible(chromedp.ID("window-hint")),
	)
	assert.Equal(t, []string{"2011-05-03", "2011-06-20"},
		evalIn[[]string](admin, `[document.getElementById("from").value, document.getElementById("to").value]`))
	admin.do("the chain of 2011",
		chromedp.Click(chromedp.CSS(`.tabs a[data-view=chain]`)),
		chromedp.WaitVisible(chromedp.CSS(`#chain-out svg`)),
		// The hint is hidden until the range is read: wait for the decision.
		chromedp.WaitReady(chromedp.CSS(`#window-hint[data-window]`)),
	)
	assert.True(t, evalIn[bool](admin, `document.getElementById("window-hint").hidden`), "the window now holds the history")
	assert.Contains(t, evalIn[string](admin, `document.getElementById("chain-out").textContent`), "The 1 pair as a table", "the chain of 2011 has its pair")
	admin.shot("window-2011")
}

// chromiumPath is the path of the chromium binary; t is skipped when it
// is not on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not on PATH; install it (Debian: apt-get install chromium) to run the web page's end-to-end test")
	}
	return bin
}

// newTab opens a tab of browser, closed when t ends. A tab lives as long
// as the context of its first call, so it is opened here, without a
// deadline.
func newTab(t *testing.T, browser context.Context, shots string) tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx))
	return tab{t, ctx, shots}
}

// startChromium starts a headless Chromium for the test (closed at its
// end) and makes the directory its screenshots go to.
func startChromium(t *testing.T, bin string) (browser context.Context, shots string) {
	t.Helper()
	shots, err := os.MkdirTemp("", "cadena-web-screenshots-")
	require.NoError(t, err)
	t.Logf("screenshots in %s", shots)
	// TZ: the page shows times in the browser's zone; UTC, as the server's.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()), chromedp.Env("TZ=UTC"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(browser)) // starts the browser
	return browser, shots
}
