package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// tab is one browser tab (its own sessionStorage, so its own sign-in).
type tab struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

// step bounds every browser step: a hung page fails the test instead of
// hanging it. Steps wait on conditions of the page, never on time.
const step = 30 * time.Second

func (b tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...), what)
}

func evalIn[T any](b tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, expr)
	return v
}

// actions lists the action buttons in the first element a CSS selector
// matches.
func (b tab) actions(in string) []string {
	b.t.Helper()
	return evalIn[[]string](b, fmt.Sprintf(`[...document.querySelector(%q).querySelectorAll("[data-action]")].map((e) => e.dataset.action)`, in))
}

// shot saves the page at desktop size and at 390x844 (a phone) and logs
// the files' paths.
func (b tab) shot(name string) {
	b.t.Helper()
	for _, size := range [][2]int64{{1280, 900}, {390, 844}} {
		b.do("resize", chromedp.EmulateViewport(size[0], size[1]))
		// Chromium's full-page capture left parts below the fold unpainted
		// (a rating form's buttons at 390 wide): lay the page out at this
		// width, then capture a viewport as tall as the page.
		height := max(size[1], int64(evalIn[float64](b, `document.documentElement.scrollHeight`)))
		b.do("resize", chromedp.EmulateViewport(size[0], height))
		// Two animation frames: the page is painted at the new size before
		// the capture (without them the phone capture still missed a
		// rating form's buttons below the first screen).
		func() {
			ctx, cancel := context.WithTimeout(b.ctx, step)
			defer cancel()
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`, chromedp.EvalAwaitPromise))
			require.NoError(b.t, err, "paint")
		}()
		ctx, cancel := context.WithTimeout(b.ctx, step)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		require.NoError(b.t, err)
		p := filepath.Join(b.shots, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]))
		require.NoError(b.t, os.WriteFile(p, png, 0o644))
		b.t.Logf("screenshot: %s", p)
	}
	b.do("resize", chromedp.EmulateViewport(1280, 900))
}

// The web page as two teams use it, in Chromium against the real server:
// sales requests a laptop from it, it accepts and delivers, sales returns
// it, it delivers again, sales rates it 4; the hand-off page shows all six
// events with their actors, and each side sees only its actions.
func TestWebPageWorkspaceInChromium(t *testing.T) {
	bin := chromiumPath(t)
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, e2eConfig(dir))
	setUpOrganisation(t, s, toks)
	browser, shots := startChromium(t, bin)
	sales, it := newTab(t, browser, shots), newTab(t, browser, shots)

	// Sales signs in by typing its token and requests a laptop; the form
	// suggests the kind and shows the agreement before sending.
	sales.do("sign in as sales",
		chromedp.Navigate(s.base+"/#/request"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), toks.Sales),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("request-form")),
		chromedp.WaitReady(chromedp.CSS(`#req-supplier option[value="it"]`)),
		chromedp.SetValue(chromedp.ID("req-supplier"), "it"),
	)
	evalIn[bool](sales, `document.getElementById("req-supplier").dispatchEvent(new Event("change"))`)
	// The preview is marked with the pair once it shows the agreements read.
	sales.do("fill the request",
		chromedp.WaitVisible(chromedp.CSS(`#req-agreement[data-pair="it/sales"] .agreement`)),
		chromedp.SendKeys(chromedp.ID("req-title"), "A laptop for the new hire"),
	)
	assert.Equal(t, "laptop", evalIn[string](sales, `document.getElementById("req-kind").value`), "kind suggested from the agreement")
	assert.Contains(t, evalIn[string](sales, `document.getElementById("req-agreement").textContent`), "resolve within 3 d")
	assert.Contains(t, evalIn[string](sales, `document.getElementById("req-agreement").textContent`), "wall clock", "the calendar that will apply: none")
	assert.Contains(t, evalIn[string](sales, `document.getElementById("whoami").textContent`), "sales-team")
	assert.True(t, evalIn[bool](sales, `document.getElementById("req-customer-label").hidden`), "a member requests for its own department")
	assert.Equal(t, []string{"", "it", "legal"}, evalIn[[]string](sales, `[...document.getElementById("req-supplier").options].map((o) => o.value)`),
		"the supplier is another department, none chosen at first")
	// Details over the limit: the API's 422 shows next to the field, and
	// nothing is recorded.
	evalIn[bool](sales, fmt.Sprintf(`(document.getElementById("req-details").value = "x".repeat(%d)) !== ""`, domain.MaxDetailsLen+1))
	sales.do("too long details",
		chromedp.Click(chromedp.CSS(`#request-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#req-details-error .error`)),
	)
	assert.Contains(t, evalIn[string](sales, `document.getElementById("req-details-error").textContent`), "at most 4000 characters")
	assert.Equal(t, "true", evalIn[string](sales, `document.getElementById("req-details").getAttribute("aria-invalid")`))
	sales.shot("request-details-error")
	evalIn[bool](sales, `(document.getElementById("req-details").value = "") === ""`)
	sales.do("send the request",
		chromedp.SendKeys(chromedp.ID("req-details"), "A US keyboard, please."),
		chromedp.Click(chromedp.CSS(`#request-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#handoff-out .one-handoff[data-state="requested"]`)),
	)
	assert.Equal(t, "A US keyboard, please.", evalIn[string](sales, `document.querySelector("#handoff-out .details").textContent`))
	assert.Equal(t, "#/pairs/it/sales", evalIn[string](sales, `document.querySelector("#handoff-out .meta a.pair-link").getAttribute("href")`),
		"the hand-off's pair links to its page")
	hash := evalIn[string](sales, `location.hash`)
	require.True(t, strings.HasPrefix(hash, "#/handoffs/"), hash)
	id := strings.TrimPrefix(hash, "#/handoffs/")
	card := func(list string) string { return fmt.Sprintf(`#work-%s [data-handoff=%q]`, list, id) }
	// The customer may escalate or cancel, never act for the supplier.
	assert.Equal(t, []string{"escalate", "cancel"}, sales.actions("#handoff-out"))
	sales.shot("handoff-requested")

	// IT (the supplier's member) accepts and delivers from My work.
	it.do("sign in as it",
		chromedp.Navigate(s.base+"/#token="+toks.IT+"&view=work"),
		chromedp.WaitVisible(chromedp.CSS(card("todo")+`[data-state="requested"]`)),
	)
	assert.NotContains(t, evalIn[string](it, `location.href`), toks.IT, "the token leaves the address")
	assert.Equal(t, []string{"accept", "deliver"}, it.actions(card("todo")), "the supplier may not cancel, escalate or rate")
	it.shot("work-supplier")
	it.do("accept",
		chromedp.Click(chromedp.CSS(card("todo")+` [data-action=accept]`)),
		chromedp.WaitVisible(chromedp.CSS(card("todo")+`[data-state="accepted"]`)),
	)
	assert.Equal(t, []string{"deliver", "pause"}, it.actions(card("todo")))
	it.do("deliver",
		chromedp.Click(chromedp.CSS(card("todo")+` [data-action=deliver]`)),
		chromedp.SendKeys(chromedp.CSS(card("todo")+` textarea`), "Set up with the usual tools"),
		chromedp.Click(chromedp.CSS(card("todo")+` [data-confirm=deliver]`)),
		chromedp.WaitNotPresent(chromedp.CSS(card("todo"))),
	)

	// Sales returns it for rework from To rate.
	sales.do("return",
		chromedp.Click(chromedp.CSS(`.tabs a[data-view=work]`)),
		chromedp.WaitVisible(chromedp.CSS(card("rate"))),
	)
	assert.Equal(t, []string{"rate", "return"}, sales.actions(card("rate")))
	sales.do("return",
		chromedp.Click(chromedp.CSS(card("rate")+` [data-action=return]`)),
		chromedp.SendKeys(chromedp.CSS(card("rate")+` textarea`), "The keyboard layout is wrong"),
		chromedp.Click(chromedp.CSS(card("rate")+` [data-confirm=return]`)),
		chromedp.WaitVisible(chromedp.CSS(card("waiting")+`[data-state="returned"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(card("rate"))),
	)
	assert.Equal(t, []string{"escalate", "cancel"}, sales.actions(card("waiting")))
	sales.shot("work-customer")

	// IT delivers again.
	it.do("deliver again",
		chromedp.Click(chromedp.CSS(`#work-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(card("todo")+`[data-state="returned"]`)),
		chromedp.Click(chromedp.CSS(card("todo")+` [data-action=deliver]`)),
		chromedp.SendKeys(chromedp.CSS(card("todo")+` textarea`), "Keyboard swapped"),
		chromedp.Click(chromedp.CSS(card("todo")+` [data-confirm=deliver]`)),
		chromedp.WaitNotPresent(chromedp.CSS(card("todo"))),
	)

	// Sales rates it 4.
	sales.do("rate",
		chromedp.Click(chromedp.CSS(`#work-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(card("rate"))),
		chromedp.Click(chromedp.CSS(card("rate")+` [data-action=rate]`)),
		chromedp.Click(chromedp.CSS(card("rate")+` input[name=score][value="4"]`)),
		chromedp.SendKeys(chromedp.CSS(card("rate")+` textarea`), "Fine in the end"),
	)
	sales.shot("rate")
	sales.do("rate",
		chromedp.Click(chromedp.CSS(card("rate")+` [data-confirm=rate]`)),
		chromedp.WaitVisible(chromedp.CSS(card("rate")+` .rated`)),
	)
	assert.Contains(t, evalIn[string](sales, fmt.Sprintf(`document.querySelector(%q).textContent`, card("rate")+" .rated")), "Rated 4 of 5")

	// The title opens the hand-off: six events with their actors, the
	// rating; a reload keeps the view.
	sales.do("open the hand-off",
		chromedp.Click(chromedp.CSS(card("rate")+` h3 a`)),
		chromedp.WaitVisible(chromedp.CSS(`#handoff-out .one-handoff[data-state="delivered"]`)),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#handoff-out .one-handoff[data-state="delivered"]`)),
	)
	timeline := `[...document.querySelectorAll("#handoff-out .timeline li")].map((li) => li.dataset.type.split(".")[1] + " " + li.querySelector(".by").textContent.trim())`
	assert.Equal(t, []string{"requested by sales-team", "accepted by it-team", "delivered by it-team",
		"returned by sales-team", "delivered by it-team", "rated by sales-team"}, evalIn[[]string](sales, timeline))
	assert.Equal(t, []string{"Requested", "Accepted", "Delivered", "Returned for rework", "Delivered", "Rated"},
		evalIn[[]string](sales, `[...document.querySelectorAll("#handoff-out .timeline .ev")].map((e) => e.textContent)`),
		"every event named, whatever its type's version")
	assert.Contains(t, evalIn[string](sales, `document.querySelector("#handoff-out .timeline").textContent`), "Reason: The keyboard layout is wrong")
	assert.Contains(t, evalIn[string](sales, `document.querySelector("#handoff-out .facts").textContent`), "4 of 5")
	assert.Equal(t, "#/handoffs/"+id, evalIn[string](sales, `location.hash`))
	sales.shot("handoff")

	// The supplier's side sees no action on a delivered hand-off, nor the
	// rating.
	it.do("open the hand-off as it",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/handoffs/`+id+`")`),
		chromedp.WaitVisible(chromedp.CSS(`#handoff-out .one-handoff[data-state="delivered"]`)),
	)
	assert.Empty(t, it.actions("#handoff-out"))
	assert.Len(t, evalIn[[]string](it, timeline), 5, "the rating is left out for the supplier")
	assert.NotContains(t, evalIn[string](it, `document.querySelector("#handoff-out .facts").textContent`), "4 of 5")

	// The API stays the authority: a hand-off cancelled after the list was
	// read cannot be accepted, and the page shows the 409's detail.
	second := s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales,
		map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "A second laptop"}).json(t)["id"].(string)
	stale := fmt.Sprintf(`#work-todo [data-handoff=%q]`, second)
	it.do("list the second request",
		chromedp.Click(chromedp.CSS(`.tabs a[data-view=work]`)),
		chromedp.WaitVisible(chromedp.CSS(stale)),
	)
	s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/"+second+"/cancel", toks.Sales, map[string]any{"reason": "no longer needed"})
	it.do("accept a cancelled hand-off",
		chromedp.Click(chromedp.CSS(stale+` [data-action=accept]`)),
		chromedp.WaitVisible(chromedp.CSS(stale+` .act-msg .error`)),
	)
	assert.Contains(t, evalIn[string](it, fmt.Sprintf(`document.querySelector(%q).textContent`, stale+" .act-msg .error")), "(409)")
	it.shot("work-refused")

	// Long lists show ten hand-offs at a time.
	for i := range 11 {
		s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales,
			map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": fmt.Sprintf("Laptop %d", i+1)})
	}
	cards := `document.querySelectorAll("#work-todo [data-handoff]").length`
	it.do("list eleven",
		chromedp.Click(chromedp.CSS(`#work-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#work-todo .more`)),
	)
	assert.Equal(t, 10, evalIn[int](it, cards))
	it.do("show more",
		chromedp.Click(chromedp.CSS(`#work-todo .more`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#work-todo .more`)),
	)
	assert.Equal(t, 11, evalIn[int](it, cards))

	// An admin chooses the department, and may act for both sides.
	admin := newTab(t, browser, shots)
	admin.do("sign in as the admin",
		chromedp.Navigate(s.base+"/#token="+toks.Admin+"&view=work"),
		chromedp.WaitVisible(chromedp.ID("work-dept")),
		chromedp.WaitReady(chromedp.CSS(`#work-dept option[value="it"]`)),
		chromedp.SetValue(chromedp.ID("work-dept"), "it"),
	)
	evalIn[bool](admin, `document.getElementById("work-dept").dispatchEvent(new Event("change"))`)
	admin.do("it's work", chromedp.WaitVisible(chromedp.CSS(`#work-todo [data-handoff][data-state="requested"]`)))
	assert.Equal(t, []string{"accept", "deliver", "escalate", "cancel"}, admin.actions(`#work-todo [data-handoff][data-state="requested"]`))
	admin.shot("work-admin")

	// The scorecard opens on the user's own department and keeps the one
	// shown in the address, across a reload.
	sales.do("open the scorecard",
		chromedp.Click(chromedp.CSS(`.tabs a[data-view=scorecard]`)),
		chromedp.WaitVisible(chromedp.CSS(`#scorecard-out h2`)),
	)
	assert.Equal(t, "#/scorecard/sales", evalIn[string](sales, `location.hash`), "opens on one's own department")
	assert.Equal(t, "sales", evalIn[string](sales, `document.getElementById("scorecard-dept").value`))
	sales.do("another department's scorecard",
		chromedp.SetValue(chromedp.ID("scorecard-dept"), "it"),
	)
	evalIn[bool](sales, `document.getElementById("scorecard-dept").dispatchEvent(new Event("change"))`)
	assert.Equal(t, "#/scorecard/it", evalIn[string](sales, `location.hash`), "the address follows the choice")
	sales.do("reload the scorecard",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#scorecard-out h2`)),
	)
	assert.Equal(t, "it", evalIn[string](sales, `document.getElementById("scorecard-dept").value`), "a reload keeps the department")
	sales.shot("scorecard")

	// IT's head sets the agreement with sales: a bad duration is shown next
	// to its field, a good one with the office's calendar is saved. A
	// member sees the agreement only. The office works 09:00-17:00 UTC
	// every day, so the deadline does not hang on the day the test runs.
	day := []string{"09:00-17:00"}
	s.must(t, http.StatusCreated, "PUT", "/api/v1/calendars/office", toks.Admin, map[string]any{"name": "Office hours", "time_zone": "UTC",
		"week": map[string]any{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day}})
	head := newTab(t, browser, shots)
	head.do("sign in as it's head",
		chromedp.Navigate(s.base+"/#token="+toks.ITHead+"&view=agreements"),
		chromedp.WaitReady(chromedp.CSS(`#ag-customer option[value="sales"]`)),
		chromedp.SetValue(chromedp.ID("ag-customer"), "sales"),
	)
	evalIn[bool](head, `document.getElementById("ag-customer").dispatchEvent(new Event("change"))`)
	// #ag-current names the pair once it shows the agreements read; until
	// then the pair shows as loading and the form is hidden.
	head.do("the pair's agreement",
		chromedp.WaitVisible(chromedp.CSS(`#ag-current[data-pair="it/sales"]`)),
		chromedp.WaitVisible(chromedp.ID("ag-fields")),
	)
	assert.Equal(t, "it", evalIn[string](head, `document.getElementById("ag-supplier").value`), "a head starts on its own department")
	assert.Equal(t, "72h", evalIn[string](head, `document.getElementById("ag-resolve").value`), "the form holds the agreement in force")
	head.do("a bad duration",
		chromedp.SetValue(chromedp.ID("ag-resolve"), "abc"),
		chromedp.Click(chromedp.CSS(`#agreement-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ag-resolve_within-error .error`)),
	)
	assert.Contains(t, evalIn[string](head, `document.getElementById("ag-resolve_within-error").textContent`), "not a duration")
	assert.Equal(t, "true", evalIn[string](head, `document.getElementById("ag-resolve").getAttribute("aria-invalid")`))
	head.shot("agreement-error")
	assert.Equal(t, []string{"", "office"}, evalIn[[]string](head, `[...document.getElementById("ag-calendar").options].map((o) => o.value)`),
		"the calendars to choose from, or none")
	head.do("a good duration, in the office's working time",
		chromedp.SetValue(chromedp.ID("ag-resolve"), "48h"),
		chromedp.SetValue(chromedp.ID("ag-calendar"), "office"),
		chromedp.Click(chromedp.CSS(`#agreement-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ag-msg .saved`)),
	)
	assert.Empty(t, evalIn[string](head, `document.getElementById("ag-resolve_within-error").textContent`))
	assert.Contains(t, evalIn[string](head, `document.getElementById("ag-current").textContent`), "resolve within 48 working h", "48 working hours are not 2 days")
	assert.Contains(t, evalIn[string](head, `document.getElementById("ag-current").textContent`), "calendar Office hours", "named as the calendar is")
	head.shot("agreement-saved")
	ag := s.must(t, http.StatusOK, "GET", "/api/v1/agreements", toks.Admin, nil).json(t)["agreements"].([]any)[0].(map[string]any)
	assert.Equal(t, 48*3600.0, ag["resolve_within_s"], "the API holds the new target")
	assert.Equal(t, "office", ag["calendar"], "and the calendar")

	// A hand-off requested under it three days ago at 16:00 counts 48
	// working hours: one that day, eight on each of the next five, seven on
	// the sixth day: due then at 16:00, not two days after (wall clock).
	asked := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3).Add(16 * time.Hour)
	office := s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{"supplier": "it", "customer": "sales",
		"kind": "laptop", "title": "A laptop in office hours", "occurred_at": asked.Format(time.RFC3339)}).json(t)["id"].(string)
	due := asked.AddDate(0, 0, 6)
	sales.do("open the hand-off in working time",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/handoffs/`+office+`")`),
		chromedp.WaitVisible(chromedp.CSS(`#handoff-out .one-handoff[data-handoff="`+office+`"]`)),
	)
	facts := evalIn[string](sales, `document.querySelector("#handoff-out .facts").textContent`)
	assert.Contains(t, facts, "resolve within 48 working h, respond within 4 working h, in working time of calendar office",
		"targets in working hours: 48 of them are six office days, not two")
	assert.Contains(t, facts, "working h supplier-owned of 48 working h", "the clock in working hours too")
	assert.Contains(t, evalIn[string](sales, `document.querySelector("#handoff-out .due").textContent`), "due "+due.Format("2 Jan 2006, 15:04"),
		"the deadline in the office's working time")
	assert.NotContains(t, facts, asked.AddDate(0, 0, 2).Format("2 Jan 2006, 15:04"), "not on the wall clock")
	assert.Contains(t, facts, "Respond by"+asked.Add(20*time.Hour).Format("2 Jan 2006, 15:04")+" overdue",
		"four working hours: one that day, three the next morning, long past")
	sales.shot("handoff-working-time")

	// The request form shows the agreement that will apply with its
	// calendar, the targets in working hours.
	sales.do("the request form under the calendar",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/request")`),
		// The view is shown (and its agreements being read again) before
		// the supplier is picked: the options are still there from the
		// first request.
		chromedp.WaitVisible(chromedp.ID("request-form")),
		chromedp.WaitReady(chromedp.CSS(`#req-supplier option[value="it"]`)),
		chromedp.SetValue(chromedp.ID("req-supplier"), "it"),
	)
	evalIn[bool](sales, `document.getElementById("req-supplier").dispatchEvent(new Event("change"))`)
	sales.do("the agreement that will apply", chromedp.WaitVisible(chromedp.CSS(`#req-agreement[data-pair="it/sales"] .agreement`)))
	preview := evalIn[string](sales, `document.getElementById("req-agreement").textContent`)
	assert.Contains(t, preview, "Agreement v2 applies", "the agreement the head just set")
	assert.Contains(t, preview, "resolve within 48 working h", "the target in working hours")
	assert.Contains(t, preview, "calendar office (working time)", "and the calendar it counts in")

	it.do("a member reads the agreement",
		chromedp.Evaluate[chromedp.Void](`void (location.hash = "#/agreements")`),
		chromedp.WaitVisible(chromedp.ID("agreement-form")),
		chromedp.WaitReady(chromedp.CSS(`#ag-customer option[value="sales"]`)),
		chromedp.SetValue(chromedp.ID("ag-supplier"), "it"),
		chromedp.SetValue(chromedp.ID("ag-customer"), "sales"),
	)
	evalIn[bool](it, `document.getElementById("ag-customer").dispatchEvent(new Event("change"))`)
	// Not `.agreement` alone: "no agreement" has that class too.
	it.do("the member's view", chromedp.WaitVisible(chromedp.CSS(`#ag-current[data-pair="it/sales"] .agreement`)))
	assert.Contains(t, evalIn[string](it, `document.getElementById("ag-current").textContent`), "Agreement v2:", "the member reads the agreement in force")
	assert.True(t, evalIn[bool](it, `document.getElementById("ag-fields").hidden`), "a member does not see the form")
	it.shot("agreement-member")
}
