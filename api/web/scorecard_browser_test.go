package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserScorecardLinksPairsAndShowsRecognitions: the scorecard lists
// the pairs of each side, each linking to the pair's page, and the
// recognitions the department received as a supplier, newest first, with
// author, department and date.
func TestBrowserScorecardLinksPairsAndShowsRecognitions(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/?driver=scorecard_driver#token="+fakeToken)
	require.Contains(t, dom, `data-driver="done"`, "the driver did not reach the scorecard of finance")
	require.Contains(t, dom, `id="scorecard-recs"`)
	// chain.json: finance supplies sales and is supplied by procurement.
	assert.Regexp(t, `data-side="supplier"[\s\S]*href="#/pairs/finance/sales"`, dom, "a customer row links to its pair")
	assert.Regexp(t, `data-side="customer"[\s\S]*href="#/pairs/procurement/finance"`, dom, "a supplier row links to its pair")
	recs := dom[strings.Index(dom, `id="scorecard-recs"`):]
	first := strings.Index(recs, "The quotes came back the same day all month.")
	second := strings.Index(recs, "Payroll questions answered before lunch, every time.")
	assert.True(t, first >= 0 && second > first, "the recognitions, newest first")
	assert.Regexp(t, `sales-head, Sales · <time datetime="2026-11-21T09:30:00Z" title="[^"]+">21 Nov 2026, 09:30</time>`, recs)
	assert.Contains(t, api.requests(), "/api/v1/departments/finance/recognitions?from="+windowQuery(t, api))
}

// windowQuery is the from=...&to=... of the page's scorecard request.
func windowQuery(t *testing.T, api *fakeAPI) string {
	t.Helper()
	for _, u := range api.requests() {
		if strings.HasPrefix(u, "/api/v1/departments/finance/scorecard?from=") {
			return strings.TrimPrefix(u, "/api/v1/departments/finance/scorecard?from=")
		}
	}
	t.Fatal("no scorecard request")
	return ""
}

// TestBrowserSpeaksSpanish: a browser whose first language is Spanish gets
// the page in Spanish: <html lang>, the headings, the figures' numbers and
// dates written the Spanish way; department names stay as given.
func TestBrowserSpeaksSpanish(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := runChromium(t, bin, "--lang=es-ES", "--accept-lang=es-ES,es", "--virtual-time-budget=5000", "--dump-dom",
		api.URL+"/#token="+fakeToken+"&view=hotspots")
	for _, want := range []string{
		`<html lang="es">`,
		`<h1 id="hotspots-h" data-i18n="hotspots.title">Puntos de fricción</h1>`,
		`<h2 id="brightspots-h" data-i18n="bright.title">Buenas prácticas</h2>`,
		`<span class="customer">People &amp; Culture</span>`, // user data as given
		`<span class="bar-num">72,4</span>`,                  // a decimal comma
		"58,3&nbsp;%",                                        // Spanish percentages
		"5,5 d",
		"oculto (&lt;4&nbsp;valoraciones)",
		`title="Incumplimientos del ANS 36,2 + Retrabajo 14,5 + Insatisfacción 14,5 + Escalados 7,2"`,
		`aria-pressed="true">ES</button>`,
	} {
		assert.Contains(t, dom, want, "the hotspots in Spanish")
	}
	assert.NotContains(t, dom, "Friction hotspots</h1>")
	assert.Regexp(t, regexp.MustCompile(`Frente al periodo anterior, del \d{1,2} [a-z]{3,4} 2026 al \d{1,2} [a-z]{3,4} 2026`), dom, "dates with Spanish month names")
}

// TestBrowserDatesInEachLanguage: an instant is written as README says,
// each language its own way: "2 Nov 2026, 09:15" in English, "2 nov 2026,
// 9:15" in Spanish (no leading zero on the hour).
func TestBrowserDatesInEachLanguage(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	for lang, want := range map[string][]string{
		"en": {`<time datetime="2026-11-02T09:15:00Z">2 Nov 2026, 09:15</time>`, `>2 Nov 2026, 10:00</time>`},
		"es": {`<time datetime="2026-11-02T09:15:00Z">2 nov 2026, 9:15</time>`, `>2 nov 2026, 10:00</time>`},
	} {
		dom := runChromium(t, bin, "--lang="+lang, "--accept-lang="+lang, "--virtual-time-budget=5000", "--dump-dom",
			api.URL+"/#token="+fakeToken+"&handoff=h-0001")
		timeline := regexp.MustCompile(`<ol class="timeline">.*?</ol>`).FindString(dom)
		require.NotEmpty(t, timeline, "no timeline in %s", lang)
		for _, w := range want {
			assert.Contains(t, timeline, w, "the timeline's dates in %s", lang)
		}
	}
}

// TestBrowserBareScorecardAddressOpensOwnDepartment: as README says,
// #/scorecard (the tab's link) opens on the token's own department, even
// after the member looked at another department's scorecard, and puts it
// in the address.
func TestBrowserBareScorecardAddressOpensOwnDepartment(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/?driver=scorecard_own_driver#token="+fakeMemberToken)
	m := regexp.MustCompile(`data-first="(\w*)" data-second="(\w*)" data-address="([^"]*)" data-driver="done"`).FindStringSubmatch(dom)
	require.NotNil(t, m, "the driver did not finish: %s", regexp.MustCompile(`data-driver="[^"]*"`).FindString(dom))
	assert.Equal(t, "legal", m[1], "the address's department first")
	assert.Equal(t, "finance", m[2], "then the member's own")
	assert.Equal(t, "#/scorecard/finance", m[3])
}
