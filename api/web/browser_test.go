package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/web"
)

// The fake API knows two tokens: an admin's, and a finance member's
// (GET /api/v1/me tells them apart; every other answer is the same).
const (
	fakeToken       = "test+token/1"
	fakeMemberToken = "test+member/1"
)

// fakeAPI serves the embedded page and canned JSON for the endpoints the
// page calls, refusing requests without the bearer token. It records the
// request URLs it saw.
type fakeAPI struct {
	*httptest.Server
	mu      sync.Mutex
	seen    []string
	ratings []rating
	// recognitions are the POSTs to a pair's recognitions, as ratings
	// (id: "{supplier}/{customer}").
	recognitions []rating
}

// rating is a POST to the rating endpoint as the fake saw it.
type rating struct {
	id, key, contentType, auth, body string
}

// problem answers a problem as the API does: its title is the status's
// English text.
func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"urn:cadena:problem:x","title":%q,"status":%d,"detail":%q}`, http.StatusText(status), status, detail)
}

// rate answers the first rating of h-0001 with a 503, later ones with 200,
// and refuses every rating of other hand-offs with a 403.
func (f *fakeAPI) rate(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.ratings = append(f.ratings, rating{id: r.PathValue("id"), key: r.Header.Get("Idempotency-Key"),
		contentType: r.Header.Get("Content-Type"), auth: r.Header.Get("Authorization"), body: string(body)})
	n := len(f.ratings)
	f.mu.Unlock()
	switch {
	case r.PathValue("id") != "h-0001":
		problem(w, http.StatusForbidden, "only members of the customer department may rate this hand-off")
	case n == 1:
		problem(w, http.StatusServiceUnavailable, "the event store is unavailable; try again")
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"h-0001","state":"delivered","position":202}`)
	}
}

// recognise refuses the first recognition with a 403, answers the second
// with a 503 and records the third.
func (f *fakeAPI) recognise(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.recognitions = append(f.recognitions, rating{id: r.PathValue("supplier") + "/" + r.PathValue("customer"),
		key: r.Header.Get("Idempotency-Key"), contentType: r.Header.Get("Content-Type"), auth: r.Header.Get("Authorization"), body: string(body)})
	n := len(f.recognitions)
	f.mu.Unlock()
	switch n {
	case 1:
		problem(w, http.StatusForbidden, "only the customer's members may thank its suppliers")
	case 2:
		problem(w, http.StatusServiceUnavailable, "the event store is unavailable; try again")
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"position":303}`)
	}
}

func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	// canned answers file, or memberFile (when given) to the member's token.
	canned := func(file string, memberFile ...string) http.HandlerFunc {
		body, err := os.ReadFile(filepath.Join("testdata", file))
		require.NoError(t, err)
		memberBody := body
		if len(memberFile) > 0 {
			memberBody, err = os.ReadFile(filepath.Join("testdata", memberFile[0]))
			require.NoError(t, err)
		}
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			if auth == "Bearer "+fakeMemberToken {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(memberBody)
				return
			}
			if auth != "Bearer "+fakeToken {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"type":"urn:cadena:problem:unauthorized","title":"Unauthorized","status":401,"detail":"missing or unknown bearer token"}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", web.Handler())
	// The page plus a test-only module that drives it, when asked for.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		driver := r.URL.Query().Get("driver")
		if driver == "" {
			web.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		web.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.Header().Del("ETag")
		page := strings.Replace(rec.Body.String(), "</body>",
			`<script type="module" src="/test/`+driver+`.js"></script></body>`, 1)
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("GET /test/{file}", func(w http.ResponseWriter, r *http.Request) {
		body, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.PathValue("file"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/javascript")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("POST /api/v1/handoffs/{id}/rating", f.rate)
	mux.HandleFunc("POST /api/v1/pairs/{supplier}/{customer}/recognitions", f.recognise)
	mux.Handle("GET /api/v1/me", canned("me.json", "me-member.json"))
	mux.Handle("GET /api/v1/departments", canned("departments.json"))
	mux.Handle("GET /api/v1/hotspots", canned("hotspots.json"))
	mux.Handle("GET /api/v1/chain", canned("chain.json", "chain-crowded.json"))
	mux.Handle("GET /api/v1/departments/{id}/scorecard", canned("scorecard.json"))
	mux.Handle("GET /api/v1/handoffs", canned("handoffs.json"))
	mux.Handle("GET /api/v1/agreements", canned("agreements.json"))
	mux.Handle("GET /api/v1/calendars", canned("calendars.json"))
	mux.Handle("GET /api/v1/handoffs/{id}", canned("handoff.json"))
	mux.Handle("GET /api/v1/pairs/{supplier}/{customer}", canned("pair.json"))
	mux.Handle("GET /api/v1/pairs/{supplier}/{customer}/series", canned("series.json"))
	mux.Handle("GET /api/v1/pairs/{supplier}/{customer}/recognitions", canned("recognitions.json"))
	mux.Handle("GET /api/v1/brightspots", canned("brightspots.json"))
	mux.Handle("GET /api/v1/departments/{id}/recognitions", canned("department-recognitions.json"))
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.URL.String())
		f.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium (or chromium-browser) is not on PATH; install it (Debian: apt-get install chromium) to run the browser test")
	return ""
}

// runChromium runs headless chromium with extra arguments and returns its
// standard output.
func runChromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return string(out)
}

func dumpDOM(t *testing.T, bin, url string) string {
	t.Helper()
	return runChromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", url)
}

func TestBrowserHotspots(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken)

	for _, want := range []string{
		// The rows, named from the departments list, highest friction first.
		`<span class="supplier">Legal</span>`,
		`<span class="customer">Sales</span>`,
		`<span class="supplier">IT Service Desk</span>`,
		`<span class="customer">People &amp; Culture</span>`,
		// Scores with one decimal, drivers, anonymity and durations.
		`<span class="bar-num">72.4</span>`,
		`<span class="bar-num">41.0</span>`,
		`<span class="bar-num">12.0</span>`,
		"SLA breaches",
		`title="SLA breaches 36.2 + Rework 14.5 + Dissatisfaction 14.5 + Escalations 7.2"`,
		"hidden (&lt;4&nbsp;ratings)", // the anonymity minimum of me.json's policy
		`title="Share of ratings of 4 or 5; hidden below 4 ratings"`,
		`(at least 3 hand-offs requested)`,
		"no ratings",
		"80.0%",  // CSAT of it -> people
		"58.3%",  // SLA compliance of legal -> sales
		"5.5 d",  // p50 of legal -> sales
		"19 d",   // p90 of legal -> sales
		"1.5 h",  // p50 of it -> people
		"40 min", // p50 of procurement -> finance
		"50 s",   // p90 of procurement -> finance
		`<a href="#/hotspots" data-view="hotspots" data-i18n="hotspots.title" aria-current="page">`,
	} {
		assert.Contains(t, dom, want, "hotspots page")
	}
	assert.Equal(t, 4, strings.Count(dom, `<tr class="pair">`), "pair rows")
	i, j := strings.Index(dom, "72.4"), strings.Index(dom, "12.0")
	assert.True(t, i >= 0 && j >= 0 && i < j, "rows out of the API's order")
	// Both visible would be a bug; the sign-in must be hidden.
	assert.False(t, strings.Contains(dom, `id="signin" class="card narrow" aria-labelledby="signin-h">`) && !strings.Contains(dom, `id="app" hidden`),
		"sign-in form shown while signed in")

	var hotspots string
	for _, u := range api.requests() {
		assert.NotContains(t, u, "token", "the token reached the server in a URL")
		assert.NotContains(t, u, "test+token", "the token reached the server in a URL")
		if strings.HasPrefix(u, "/api/v1/hotspots?") {
			hotspots = u
		}
	}
	// The minimum volume is the policy's, from GET /api/v1/me.
	assert.Contains(t, hotspots, "limit=20")
	assert.Contains(t, hotspots, "min_volume=3")
	// The window: 30 whole days ending today (me.json's time zone is UTC),
	// as dates, to exclusive.
	today := time.Now().UTC()
	assert.Contains(t, hotspots, "from="+today.AddDate(0, 0, -30).Format(time.DateOnly))
	assert.Contains(t, hotspots, "to="+today.AddDate(0, 0, 1).Format(time.DateOnly))
}

func TestBrowserChain(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=chain")

	if !regexp.MustCompile(`<svg class="chain" viewBox="[^"]+" role="img"`).MatchString(dom) {
		t.Fatalf("no chain SVG in the page:\n%s", dom)
	}
	if n := strings.Count(dom, `<g class="edge `); n != 7 {
		t.Errorf("chain has %d edges, want 7", n)
	}
	if n := strings.Count(dom, `<g class="node" `); n != 6 {
		t.Errorf("chain has %d nodes, want 6", n)
	}
	for _, want := range []string{
		`<g class="edge lvl-high" `,
		`<g class="edge lvl-medium" `,
		`<g class="edge lvl-low" `,
		"<title>Legal → Sales: 48 requested, friction 72.4, SLA met 58.3%</title>",
		`>People &amp; Culture</text>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("chain lacks %q", want)
		}
	}
}

// The page knows who is signed in (GET /api/v1/me): it greets the token by
// name and opens the scorecard and the ratings on the member's department,
// while an admin, who has none, is asked to choose.
func TestBrowserKnowsWhoIsSignedIn(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeMemberToken+"&view=scorecard")
	assert.Contains(t, dom, `<span id="whoami" class="whoami">Signed in as finance-team (member, Finance)</span>`)
	assert.Contains(t, dom, "As supplier: work Finance delivers")
	assert.Contains(t, api.requests(), "/api/v1/departments/finance/scorecard?from="+
		time.Now().UTC().AddDate(0, 0, -30).Format(time.DateOnly)+"&to="+time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly))

	dom = dumpDOM(t, bin, api.URL+"/#token="+fakeMemberToken+"&view=handoffs")
	assert.NotContains(t, dom, "Choose your department", "the member is asked for the department the token names")
	assert.Contains(t, api.requests(), "/api/v1/handoffs?customer=finance&state=delivered&limit=12",
		"the member's deliveries are listed without a choice")

	dom = dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=handoffs")
	assert.Contains(t, dom, `<span id="whoami" class="whoami">Signed in as ops (admin)</span>`)
	assert.Contains(t, dom, `<option value="" disabled="" selected="">Choose your department</option>`)
}

func TestBrowserWithoutToken(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/")
	if !strings.Contains(dom, `<section id="signin" class="card narrow" aria-labelledby="signin-h">`) {
		t.Errorf("sign-in form not shown without a token")
	}
	if !strings.Contains(dom, `<div id="app" hidden="">`) {
		t.Errorf("views shown without a token")
	}
	for _, u := range api.requests() {
		if strings.HasPrefix(u, "/api/") {
			t.Errorf("the page called the API without a token: %s", u)
		}
	}

	// A wrong token: the API answers 401 and the page asks again, showing
	// the problem's detail.
	dom = dumpDOM(t, bin, api.URL+"/#token=wrong")
	if !strings.Contains(dom, "The API refused the token: missing or unknown bearer token") {
		t.Errorf("a refused token is not reported")
	}
}

func TestBrowserRating(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/?driver=rate_driver#token="+fakeToken+"&view=handoffs")
	if !strings.Contains(dom, `<option value="" disabled="" selected="">Choose your department</option>`) {
		t.Errorf("the ratings form does not ask for the user's department")
	}
	if !strings.Contains(dom, `data-driver="done"`) {
		m := regexp.MustCompile(`data-driver="[^"]*"`).FindString(dom)
		t.Fatalf("the driver did not finish (%s):\n%s", m, dom)
	}
	for _, want := range []string{
		`data-first-error="Service Unavailable: the event store is unavailable; try again (503)"`,
		"Thank you: rated 4 of 5.",
		"Forbidden: only members of the customer department may rate this hand-off (403)",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	listed := false
	for _, u := range api.requests() {
		listed = listed || u == "/api/v1/handoffs?customer=finance&state=delivered&limit=12"
	}
	if !listed {
		t.Errorf("no request for the deliveries to the department picked: %q", api.requests())
	}
	api.mu.Lock()
	got := append([]rating(nil), api.ratings...)
	api.mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d ratings posted, want 3: %+v", len(got), got)
	}
	for i, r := range got {
		if r.contentType != "application/json" || r.auth != "Bearer "+fakeToken {
			t.Errorf("rating %d: Content-Type %q, Authorization %q", i, r.contentType, r.auth)
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(r.key) {
			t.Errorf("rating %d: Idempotency-Key %q", i, r.key)
		}
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(got[0].body), &body); err != nil || body["score"] != 4.0 || body["comment"] != "Fast, thanks" || len(body) != 2 {
		t.Errorf("first rating body %s", got[0].body)
	}
	if got[1].key != got[0].key || got[1].body != got[0].body {
		t.Errorf("the retry changed the key or body: %+v then %+v", got[0], got[1])
	}
	if got[2].id != "h-0002" || got[2].key == got[0].key || got[2].body != `{"score":2}` {
		t.Errorf("second hand-off's rating: %+v", got[2])
	}
	// The hand-off opened after the rating is read at the rating's
	// position, so it shows the rating at once.
	assert.Contains(t, api.requests(), "/api/v1/handoffs/h-0001?min_position=202", "the rated hand-off read at the rating's position")
	// So are the figures read after it.
	for _, read := range []string{"/api/v1/departments/finance/scorecard?", "/api/v1/chain?", "/api/v1/hotspots?", "/api/v1/brightspots?"} {
		found := false
		for _, u := range api.requests() {
			found = found || strings.HasPrefix(u, read) && strings.Contains(u, "min_position=202")
		}
		assert.True(t, found, "%s not read at the rating's position", read)
	}
}

// TestScreenshots writes screenshots of each view against the fake API to
// the directory in CADENA_WEB_SCREENSHOTS, for looking at by eye.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CADENA_WEB_SCREENSHOTS")
	if dir == "" {
		t.Skip("set CADENA_WEB_SCREENSHOTS to a directory to take screenshots")
	}
	bin := chromium(t)
	api := newFakeAPI(t)
	for _, lang := range []string{"en", "es"} {
		for _, size := range []string{"1280,900", "390,844"} {
			for _, view := range []string{"hotspots", "chain", "scorecard", "handoffs", "work", "request", "agreements", "handoff"} {
				file := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", view, lang, strings.Split(size, ",")[0]))
				open := "&view=" + view
				if view == "handoff" {
					open = "&handoff=h-0001"
				}
				runChromium(t, bin, "--lang="+lang, "--accept-lang="+lang, "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size="+size,
					"--screenshot="+file, api.URL+"/#token="+fakeToken+open)
				t.Log(file)
			}
			// The member's chain has fourteen departments (chain-crowded.json).
			runChromium(t, bin, "--lang="+lang, "--accept-lang="+lang, "--virtual-time-budget=5000", "--hide-scrollbars", "--window-size="+size,
				"--screenshot="+filepath.Join(dir, "chain-crowded-"+lang+"-"+strings.Split(size, ",")[0]+".png"),
				api.URL+"/#token="+fakeMemberToken+"&view=chain")
		}
	}
}

// One hand-off's page shows the deadline when the response has due_at, the
// clock's badge, the timeline's actors, and only the actions the viewer's
// side may take: an admin acts for both sides, a finance member for
// neither.
func TestBrowserOneHandoff(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&handoff=h-0001")
	for _, want := range []string{
		`<h2 class="handoff-title">Review the ACME master services agreement</h2>`,
		"<p class=\"details\">Clause 7 (liability) changed.\nPlease check it first.</p>",
		`<span class="ev">Requested</span>`,
		`<span class="badge b-risk">at risk</span>`,
		`<span class="owned">2.7 d supplier-owned</span>`,
		`<span class="by"> by sales-team</span>`,
		`<span class="by"> by legal-team</span>`,
		`data-action="deliver"`, `data-action="pause"`, `data-action="escalate"`, `data-action="cancel"`,
	} {
		assert.Contains(t, dom, want, "the hand-off page as an admin")
	}
	// The deadline, with how far it is from now in words (Intl.RelativeTimeFormat).
	assert.Regexp(t, `<span class="due" title="(in \d+ \w+|\d+ \w+ ago|last \w+|next \w+|yesterday|tomorrow)"> · due 5 Nov 2026, 09:15</span>`, dom)
	assert.NotContains(t, dom, `data-action="accept"`, "accept is not allowed from accepted")

	member := dumpDOM(t, bin, api.URL+"/#token="+fakeMemberToken+"&handoff=h-0001")
	assert.Contains(t, member, `<h2 class="handoff-title">`)
	assert.NotContains(t, member, `data-action=`, "finance is neither side of legal -> sales")
}

// A member rates only for the token's department: the hand-offs view has
// no department picker for them, and a delivered hand-off whose customer
// is another department (the fake lists legal -> sales and finance ->
// sales to the finance member) has no rating form, as the lifecycle table
// lets only the customer's side rate. An admin rates for both sides.
func TestBrowserMemberRatesOnlyForOwnDepartment(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeMemberToken+"&view=handoffs")
	assert.Contains(t, dom, `<label id="rate-dept-label" hidden="">`, "a member picks no department to rate for")
	rate := dom[strings.Index(dom, `id="rate-out"`):strings.Index(dom, `data-i18n="handoffs.allTitle"`)]
	assert.Contains(t, rate, "Review the ACME master services agreement", "the deliveries are listed")
	assert.NotContains(t, rate, `<form class="rating"`, "finance is the customer of neither hand-off")

	admin := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=handoffs")
	assert.Contains(t, admin, `<label id="rate-dept-label">`, "an admin picks the department")
	// The department pickers hold options only (an absent choice was
	// written as the text "null").
	for _, d := range []string{dom, admin} {
		for _, sel := range regexp.MustCompile(`(?s)<select id="([\w-]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(d, -1) {
			assert.NotContains(t, regexp.MustCompile(`(?s)<option.*?</option>`).ReplaceAllString(sel[2], ""), "null", "select %s", sel[1])
		}
	}
}

// Nothing overflows its frame at desktop or phone width, in English or
// Spanish: the hand-offs list shows every column (the deadline included)
// without scrolling sideways, and the page is never wider than the window.
func TestBrowserHandoffListFits(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	inEachLanguageAndSize(t, bin, api.URL+"/?driver=overflow_driver#token="+fakeToken+"&view=handoffs", func(lang, size, dom string) {
		m := regexp.MustCompile(`<body data-overflow="([^"]*)" data-page-overflow="(\w+)" data-driver="done"`).FindStringSubmatch(dom)
		require.NotNil(t, m, "%s at %s: the driver did not finish", lang, size)
		assert.Equal(t, "[]", strings.ReplaceAll(m[1], "&quot;", `"`), "%s at %s: frames scrolled sideways", lang, size)
		assert.Equal(t, "false", m[2], "%s at %s: the page is wider than the window", lang, size)
	})
}

// inEachLanguageAndSize opens url in Chromium in English and in Spanish,
// each at 1280x900 and at 390x844 (a phone), and hands f the DOM.
func inEachLanguageAndSize(t *testing.T, bin, url string, f func(lang, size, dom string)) {
	t.Helper()
	for _, lang := range []string{"en", "es"} {
		for _, size := range []string{"1280,900", "390,844"} {
			f(lang, size, runChromium(t, bin, "--lang="+lang, "--accept-lang="+lang, "--window-size="+size, "--virtual-time-budget=5000", "--dump-dom", url))
		}
	}
}

// My work says the order its cards are in: the open lists soonest due
// first (it said "oldest requests first", the order only the first page
// of each state is read in; the ratings list says its own).
func TestBrowserWorkSaysItsOrder(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeMemberToken+"&view=work")
	assert.Contains(t, dom, `<p class="lede">The work of Finance: what is open, soonest due first.</p>`)
}

// TestBrowserRefusalInSpanish: on the Spanish page a refusal starts with
// the status's title from the catalogue, not the API's English status
// text; the detail stays as the server sent it.
func TestBrowserRefusalInSpanish(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := runChromium(t, bin, "--lang=es-ES", "--accept-lang=es-ES,es", "--virtual-time-budget=5000", "--dump-dom",
		api.URL+"/?driver=rate_driver#token="+fakeToken+"&view=handoffs")
	require.Contains(t, dom, `data-driver="done"`, "the driver did not finish")
	assert.Contains(t, dom, `<html lang="es">`)
	assert.Contains(t, dom, `data-first-error="Servicio no disponible: the event store is unavailable; try again (503)"`)
	assert.Contains(t, dom, "Prohibido: only members of the customer department may rate this hand-off (403)")
	assert.NotContains(t, dom, "Service Unavailable")
	assert.NotContains(t, dom, "Forbidden")
}
