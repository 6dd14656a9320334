package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCannedPairDataMatchesOpenAPI: the pair page's canned answers have the
// documented shapes; the series is an array of SeriesBucket.
func TestCannedPairDataMatchesOpenAPI(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join("..", "rest", "openapi.json"))
	require.NoError(t, err)
	for file, schema := range map[string]string{
		"pair.json":                    "Figures",
		"brightspots.json":             "BrightSpots",
		"recognitions.json":            "RecognitionList",
		"department-recognitions.json": "DepartmentRecognitionList",
	} {
		ref, ok := doc.Components.Schemas[schema]
		require.True(t, ok, "%s: no schema %s in api/rest/openapi.json", file, schema)
		var v any
		require.NoError(t, json.Unmarshal(readTestdata(t, file), &v), file)
		assert.NoError(t, ref.Value.VisitJSON(v), "%s is not a %s", file, schema)
	}
	ref, ok := doc.Components.Schemas["SeriesBucket"]
	require.True(t, ok, "no schema SeriesBucket in api/rest/openapi.json")
	var buckets []any
	require.NoError(t, json.Unmarshal(readTestdata(t, "series.json"), &buckets))
	require.NotEmpty(t, buckets)
	for i, b := range buckets {
		assert.NoError(t, ref.Value.VisitJSON(b), "series.json bucket %d is not a SeriesBucket", i)
	}
}

func readTestdata(t *testing.T, file string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	require.NoError(t, err)
	return raw
}

// TestBrowserPairPage: the pair page draws one point per bucket of the
// series in each chart (one per bucket with a value: CSAT hidden under the
// anonymity minimum leaves a gap), and lists the recognitions.
func TestBrowserPairPage(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=hotspots")
	// Every pair of the hotspots table links to its page.
	assert.Contains(t, dom, `href="#/pairs/legal/sales"`)
	assert.Contains(t, dom, `href="#/pairs/procurement/finance"`)
	// The bright spots, beside the hotspots.
	assert.Regexp(t, `id="bright-best"[\s\S]*href="#/pairs/procurement/finance"`, dom)
	assert.Regexp(t, `id="bright-improved"[\s\S]*href="#/pairs/legal/sales"`, dom)

	// The driver opens the first pair from the hotspots table.
	dom = dumpDOM(t, bin, api.URL+"/?driver=pair_driver#token="+fakeToken)
	require.Contains(t, dom, `data-driver="done"`, "the driver did not reach the pair page")
	var buckets []struct {
		Satisfaction struct {
			CSAT *float64 `json:"csat"`
		} `json:"satisfaction"`
	}
	require.NoError(t, json.Unmarshal(readTestdata(t, "series.json"), &buckets))
	withCSAT := 0
	for _, b := range buckets {
		if b.Satisfaction.CSAT != nil {
			withCSAT++
		}
	}
	require.Less(t, withCSAT, len(buckets), "the canned series should hide one bucket's CSAT")
	for chart, want := range map[string]int{"sla": len(buckets), "lead": 2 * len(buckets), "csat": withCSAT, "friction": len(buckets), "volume": len(buckets)} {
		assert.Equal(t, want, points(t, dom, chart), "points of chart %s", chart)
	}
	// The same figures as a table: one row per bucket.
	at := strings.Index(dom, `class="series-table"`)
	require.GreaterOrEqual(t, at, 0, "no figures table")
	assert.Equal(t, len(buckets), strings.Count(dom[at:], `<tr><th scope="row">`), "rows of the figures table")
	assert.Contains(t, dom, "Thanks for turning the contract round in a day.")
	assert.Contains(t, dom, `<h1 id="pair-h" data-i18n="pair.title">Legal → Sales</h1>`)
	assert.Contains(t, dom, `id="rec-form"`, "an admin may send a recognition")
}

// points counts the marks of one chart in a dumped DOM.
func points(t *testing.T, dom, chart string) int {
	t.Helper()
	start := strings.Index(dom, `data-chart="`+chart+`"`)
	require.GreaterOrEqual(t, start, 0, "no chart %s", chart)
	rest := dom[start:]
	if end := strings.Index(rest[1:], "data-chart="); end >= 0 {
		rest = rest[:end+1]
	}
	return len(regexp.MustCompile(`class="pt"`).FindAllString(rest, -1))
}

// TestBrowserChartNoteFits: a chart with no value says so inside the
// chart, at phone width and in Spanish too ("No se muestran valoraciones
// (muy pocas o ninguna)." ran past a 390 px chart's edge and was cut).
func TestBrowserChartNoteFits(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	inEachLanguageAndSize(t, bin, api.URL+"/?driver=chart_note_driver#token="+fakeToken+"&view=work", func(lang, size, dom string) {
		m := regexp.MustCompile(`data-note="([^"]*)" data-note-inside="(\w+)" data-driver="done"`).FindStringSubmatch(dom)
		require.NotNil(t, m, "%s at %s: the driver did not finish", lang, size)
		assert.Equal(t, "true", m[2], "%s at %s: the chart's note (%s) runs out of the chart", lang, size, m[1])
	})
}

// TestBrowserRecognitionKeyAfterARefusal: the recognition form makes a new
// Idempotency-Key after a refusal (4xx), so the message sent after it is a
// new request, and keeps it when the same message is sent again after a
// server error (a retry), as the other forms do.
func TestBrowserRecognitionKeyAfterARefusal(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/?driver=recognise_driver#token="+fakeToken)
	require.Contains(t, dom, `data-driver="done"`, "the driver did not finish")
	assert.Contains(t, dom, `data-refused="Forbidden: only the customer's members may thank its suppliers (403)"`)
	assert.Contains(t, dom, `data-failed="Service Unavailable: the event store is unavailable; try again (503)"`)
	api.mu.Lock()
	got := append([]rating(nil), api.recognitions...)
	api.mu.Unlock()
	require.Len(t, got, 3, "three recognitions posted")
	for i, r := range got {
		assert.Equal(t, "finance/sales", r.id, "recognition %d", i)
		assert.Equal(t, `{"message":"Thanks for the quick review"}`, r.body, "recognition %d", i)
		assert.Regexp(t, `^[0-9a-f]{32}$`, r.key, "recognition %d", i)
	}
	assert.NotEqual(t, got[0].key, got[1].key, "after the refusal, a new key")
	assert.Equal(t, got[1].key, got[2].key, "after the server error, the same key: a retry")
}
