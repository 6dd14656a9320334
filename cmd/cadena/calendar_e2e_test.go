package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEndToEndWorkingTime runs a hand-off under a Madrid office calendar
// over HTTP: its clock skips the night, the weekend and a pause, its
// deadline is in working time, and the pair's SLA figures count working
// time while lead time stays wall-clock.
func TestEndToEndWorkingTime(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, e2eConfig(dir))
	for _, d := range []string{"it", "sales"} {
		s.must(t, http.StatusCreated, "PUT", "/api/v1/departments/"+d, toks.Admin, map[string]any{"name": d})
	}
	day := []string{"09:00-14:00", "15:00-18:00"}
	cal := map[string]any{"name": "Madrid office", "time_zone": "Europe/Madrid",
		"week":       map[string]any{"mon": day, "tue": day, "wed": day, "thu": day, "fri": []string{"08:00-15:00"}},
		"exceptions": []map[string]any{{"date": "2026-11-09", "name": "Almudena"}}}
	created := s.must(t, http.StatusCreated, "PUT", "/api/v1/calendars/madrid", toks.Admin, cal).json(t)
	assert.Equal(t, 1.0, created["version"])
	s.must(t, http.StatusOK, "PUT", "/api/v1/calendars/madrid", toks.Admin, cal)
	s.must(t, http.StatusForbidden, "PUT", "/api/v1/calendars/madrid", toks.ITHead, cal)
	s.must(t, http.StatusUnprocessableEntity, "PUT", "/api/v1/agreements/it/sales", toks.ITHead,
		map[string]any{"resolve_within": "16h", "calendar": "lisbon"})
	s.must(t, http.StatusOK, "PUT", "/api/v1/agreements/it/sales", toks.ITHead,
		map[string]any{"resolve_within": "16h", "respond_within": "4h", "calendar": "madrid"})

	// Friday 13 November 2026 in Madrid (UTC+1): requested 10:00, accepted
	// 11:00, paused 12:00; resumed Monday 10:00; delivered Tuesday 10:00.
	z := func(day, hour int) string {
		return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{"id": "c-1",
		"supplier": "it", "customer": "sales", "kind": "contract", "title": "Review", "occurred_at": z(13, 9)})
	v := s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/c-1?as_of="+z(13, 9), toks.Sales, nil).json(t)
	assert.Equal(t, "madrid", v["agreement"].(map[string]any)["calendar"])
	assert.Equal(t, z(13, 13), v["respond_due_at"], "4 working hours after Friday 10:00")
	for _, step := range []struct {
		command, at string
		body        map[string]any
	}{{"accept", z(13, 10), nil}, {"pause", z(13, 11), map[string]any{"reason": "need the annex"}}, {"resume", z(16, 9), nil}} {
		body := map[string]any{"occurred_at": step.at}
		for k, val := range step.body {
			body[k] = val
		}
		s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/c-1/"+step.command, toks.IT, body)
	}
	v = s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/c-1?as_of="+z(16, 11), toks.Sales, nil).json(t)
	assert.Equal(t, 4*3600.0, v["supplier_owned_s"], "2h on Friday, 2h on Monday: the pause and the weekend cost nothing")
	assert.Equal(t, z(17, 16), v["due_at"], "12 working hours left from Monday 12:00: Tuesday 17:00")
	assert.Nil(t, v["respond_due_at"], "answered on Friday")
	s.must(t, http.StatusOK, "POST", "/api/v1/handoffs/c-1/deliver", toks.IT, map[string]any{"occurred_at": z(17, 9)})

	// Requested on Saturday: its clock starts on Monday at 09:00.
	r := s.must(t, http.StatusCreated, "POST", "/api/v1/handoffs", toks.Sales, map[string]any{"id": "c-2",
		"supplier": "it", "customer": "sales", "kind": "contract", "title": "Other", "occurred_at": z(14, 9)})
	v = s.must(t, http.StatusOK, "GET", "/api/v1/handoffs/c-2?as_of="+z(16, 8), toks.Sales, nil).json(t)
	assert.Equal(t, 0.0, v["supplier_owned_s"])
	assert.Equal(t, z(17, 17), v["due_at"], "16 working hours from Monday 09:00: Tuesday 18:00")

	pair := s.must(t, http.StatusOK, "GET", "/api/v1/pairs/it/sales?from=2026-11-01&to=2026-11-18&min_position="+
		strconv.FormatUint(r.position(t), 10), toks.Admin, nil).json(t)
	sla := pair["sla"].(map[string]any)
	assert.Equal(t, 1.0, sla["met"], "10 working hours against 16, though 93 wall-clock hours")
	assert.Equal(t, 0.0, sla["breached"])
	assert.Equal(t, 0.0, sla["open_breached"], "c-2 has exactly 16 working hours by Wednesday 00:00")
	assert.Equal(t, 1.0, sla["at_risk"])
	assert.Equal(t, 1.0, pair["response_sla"].(map[string]any)["met"])
	assert.Equal(t, 96*3600.0, pair["lead_time_s"].(map[string]any)["mean"], "lead time stays wall-clock")

	// Holidays from an iCalendar feed, through the command line.
	ics := filepath.Join(dir, "holidays.ics")
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cadena test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:navidad@test\r\nDTSTART;VALUE=DATE:" + strconv.Itoa(time.Now().Year()) + "1225\r\n" +
		"SUMMARY:Navidad\r\nRRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:almudena@test\r\nDTSTART;VALUE=DATE:20261109\r\nSUMMARY:Almudena\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	require.NoError(t, os.WriteFile(ics, []byte(feed), 0o600))
	tokFile := filepath.Join(dir, "admin.token")
	require.NoError(t, os.WriteFile(tokFile, []byte(toks.Admin+"\n"), 0o600))
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"calendar", "import", "--server", s.base, "--token-file", tokFile,
		"--calendar", "madrid", ics}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "added 6 holidays to calendar madrid (version 2, 7 exceptions)\n", out.String(),
		"25 December of this year and the five after; 9 November was there")
	got := s.must(t, http.StatusOK, "GET", "/api/v1/calendars/madrid", toks.Sales, nil).json(t)
	assert.Len(t, got["exceptions"], 7)

	bad := filepath.Join(dir, "bad.ics")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(feed, "20261109", "2026-11-09", 1)), 0o600))
	out.Reset()
	errOut.Reset()
	code = run(context.Background(), []string{"calendar", "import", "--server", s.base, "--token-file", tokFile,
		"--calendar", "madrid", bad}, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "line 12")
	assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line: %s", errOut.String())
	got = s.must(t, http.StatusOK, "GET", "/api/v1/calendars/madrid", toks.Sales, nil).json(t)
	assert.Equal(t, 2.0, got["version"], "a malformed file adds nothing")
}

// TestCalendarImportUsage: a bad command line of calendar import is a
// usage error, exit status 2 on one line, as for every subcommand.
func TestCalendarImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"calendar"},
		{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", "t", "--calendar", "madrid"},
		{"calendar", "import", "--token-file", "t", "--calendar", "madrid", "f.ics"},
		{"calendar", "import", "--server", "http://127.0.0.1:1", "--calendar", "madrid", "f.ics"},
		{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", "t", "f.ics"},
		{"calendar", "import", "--server", "127.0.0.1:8080", "--token-file", "t", "--calendar", "madrid", "f.ics"},
		{"calendar", "import", "--server", "ftp://127.0.0.1", "--token-file", "t", "--calendar", "madrid", "f.ics"},
	} {
		code, out, errOut := runCLI(args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
		assert.Empty(t, out, "%v", args)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "%v: one line: %s", args, errOut)
		assert.True(t, strings.HasPrefix(errOut, "cadena calendar: "), "%v: %s", args, errOut)
	}
	_, _, errOut := runCLI("calendar", "import", "--server", "127.0.0.1:8080", "--token-file", "t", "--calendar", "madrid", "f.ics")
	assert.Equal(t, "cadena calendar: --server \"127.0.0.1:8080\": want http://host:port or https://host (run 'cadena help calendar')\n", errOut,
		"a server without its scheme is named as such, not by the URL parser")
	_, _, errOut = runCLI("calendar", "import", "--server", "ftp://u:topsecret@127.0.0.1", "--token-file", "t", "--calendar", "madrid", "f.ics")
	assert.Equal(t, "cadena calendar: --server \"ftp://u:xxxxx@127.0.0.1\": want http://host:port or https://host (run 'cadena help calendar')\n", errOut,
		"the password of a refused --server is not shown")
}
