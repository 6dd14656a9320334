package web_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBrowserShowsCalendars: the scorecard lists the department's
// agreements with the calendar each counts in, their targets in working
// hours when it has one (16 working hours are not 16 wall-clock hours, nor
// "0.7 d"), and the hand-off list has a deadline column.
func TestBrowserShowsCalendars(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=scorecard")
	want := `<li><a href="#/pairs/finance/sales" class="pair-link"><span class="supplier">Finance</span><span class="arrow" aria-label="serves"> → </span><span class="customer">Sales</span></a> · resolve within 16 working h · respond within 4 working h · calendar madrid (working time)</li>`
	assert.True(t, strings.Contains(dom, want), "the scorecard of Finance lacks %q", want)

	dom = dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=handoffs")
	assert.True(t, strings.Contains(dom, `data-label="Due"`), "the hand-off list has no Due column")
}

// TestBrowserAgreementsOfferCalendars: the agreements view reads the
// calendars (GET /api/v1/calendars) and offers them by name; the fake API
// serves them as the real one does, so the view's screenshots show the
// form, not a 404.
func TestBrowserAgreementsOfferCalendars(t *testing.T) {
	bin := chromium(t)
	api := newFakeAPI(t)
	dom := dumpDOM(t, bin, api.URL+"/#token="+fakeToken+"&view=agreements")
	assert.True(t, strings.Contains(dom, `<option value="madrid">Madrid office</option>`), "the calendar picker lacks Madrid office")
	assert.False(t, strings.Contains(dom, "Not Found"), "the agreements view shows an error")
}
