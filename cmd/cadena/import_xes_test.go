package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportXESCommand runs an XES log through cadena import: the group
// attribute under both its names, the CSV-only flags refused, a bad event
// with and without --skip-bad, and an import done twice.
func TestImportXESCommand(t *testing.T) {
	dir := t.TempDir()
	trace := func(id string, events ...[2]string) string {
		s := "<trace><string key=\"concept:name\" value=\"" + id + "\"/>\n"
		for _, e := range events {
			s += "<event><string key=\"team\" value=\"" + e[0] + "\"/><date key=\"time:timestamp\" value=\"" + e[1] + "\"/></event>\n"
		}
		return s + "</trace>\n"
	}
	good := trace("t1", [2]string{"Desk", "2024-03-01T10:00:00Z"}, [2]string{"Network", "2024-03-01T11:00:00Z"}, [2]string{"Desk", "2024-03-01T13:30:00Z"})
	bad := trace("t2", [2]string{"Desk", "2024-03-01T10:30:00Z"}, [2]string{"Network", "tomorrow"})
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte("<?xml version=\"1.0\"?>\n<log>\n"+body+"</log>\n"), 0o600))
		return path
	}
	goodPath, badPath := write("good.xes", good), write("bad.xes", good+bad)
	data := filepath.Join(dir, "data")
	imp := []string{"import", "--data", data, "--format", "xes", "--group", "team", goodPath}
	runCLICases(t, []cliCase{
		{"the group attribute", []string{"import", "--dry-run", "--format", "xes", "--group", "team", goodPath}, 0,
			"2 departments, 2 pairs, 2 hand-offs (0 returns)\nsupplier  customer  hand-offs  returns  median held\ndesk      network   1          0        0s\nnetwork   desk      1          0        2h30m0s\n", ""},
		{"its older name", []string{"import", "--dry-run", "--format", "xes", "--group-attr", "team", goodPath}, 0,
			"2 departments, 2 pairs, 2 hand-offs (0 returns)", ""},
		{"without it", []string{"import", "--dry-run", "--format", "xes", goodPath}, 0,
			"1 departments, 0 pairs, 0 hand-offs (0 returns)", ""},
		{"a CSV column", []string{"import", "--dry-run", "--format", "xes", "--case", "Number", goodPath}, 1, "",
			"cadena: import: --case applies to --format csv only (XES is read by its keys concept:name and time:timestamp; --group names the event attribute of the group)"},
		{"a CSV delimiter", []string{"import", "--dry-run", "--format", "xes", "--delimiter", ";", goodPath}, 1, "",
			"cadena: import: --delimiter applies to --format csv only (XES is read by its keys concept:name and time:timestamp; --group names the event attribute of the group)"},
		{"a bad event", []string{"import", "--data", data, "--format", "xes", "--group", "team", badPath}, 1, "",
			`cadena: import: bad.xes: line 10 (case "t2"), column "time:timestamp": "tomorrow" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"a bad event skipped", []string{"import", "--dry-run", "--format", "xes", "--group", "team", "--skip-bad", badPath}, 0,
			"2 departments, 2 pairs, 2 hand-offs (0 returns)\nskipped 1 bad rows (1 cases):\n" +
				`  line 10 (case "t2"), column "time:timestamp": "tomorrow" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)` + "\n", ""},
		{"imported", imp, 0, "read 3 events of 1 cases; 2 departments, 2 pairs, 2 hand-offs (0 returns)\nissued 8 commands", ""},
		{"imported again", imp, 0, "0 new, 6 imported before; 0 agreements\nappended 0 events", ""},
	})
}

// TestImportHelpdeskTwice imports the real XES log, streamed, into the
// embedded store twice: the same counts as the dry run, nothing doubled.
func TestImportHelpdeskTwice(t *testing.T) {
	path := sharedLog(t, "helpdesk.xes.gz")
	data := filepath.Join(t.TempDir(), "data")
	out, errOut, code := runImportCLI(t, "--data", data, "--format", "xes", path)
	require.Equal(t, 0, code, errOut)
	dry, errOut, code := runImportCLI(t, "--dry-run", "--format", "xes", path)
	require.Equal(t, 0, code, errOut)
	counts := regexp.MustCompile(`read 21348 events of 4580 cases( in [0-9.]+s)?; (.*)\n`)
	m, d := counts.FindStringSubmatch(out), counts.FindStringSubmatch(dry)
	require.NotNil(t, m, out)
	require.NotNil(t, d, dry)
	assert.Equal(t, d[2], m[2], "the import plans what the dry run shows")
	appended := regexp.MustCompile(`appended (\d+) events`).FindStringSubmatch(out)
	require.NotNil(t, appended, out)
	assert.NotEqual(t, "0", appended[1])

	out, errOut, code = runImportCLI(t, "--data", data, "--format", "xes", path)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "appended 0 events")
}
