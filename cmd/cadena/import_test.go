package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		return path
	}
	csv := write("log.csv", `case:concept:name,concept:name,org:group,time:timestamp
c1,Register,Front Office,2011-10-11 09:00:00+02:00
c1,Review,Back Office,2011-10-11 10:00:00+02:00
c1,Close,Front Office,2011-10-11 12:00:00+02:00
`)
	retitled := write("retitled.csv", `case:concept:name,concept:name,org:group,time:timestamp
c1,Register,Front Office,2011-10-11 09:00:00+02:00
c1,Check,Back Office,2011-10-11 10:00:00+02:00
c1,Close,Front Office,2011-10-11 12:00:00+02:00
`)
	data := filepath.Join(dir, "data")
	ok := []string{"import", "--data", data, "--format", "receipt-csv", "--resolve-within", "24h", csv}
	tests := []cliCase{
		{"help", []string{"help", "import"}, 0, "-group-attr", ""},
		{"first", ok, 0, "2 departments, 2 pairs, 2 hand-offs (0 returns)\nissued 10 commands", ""},
		{"again", ok, 0, "0 new, 8 imported before; 2 agreements\nappended 0 events", ""},
		// Another hand-off under the same key: running it again meets the
		// same conflict, so the line offers no resume.
		{"a changed log into the same store", []string{"import", "--data", data, "--format", "csv", retitled}, 1, "",
			`cadena: import: case "c1": request of hand-off c1-1 (back-office -> front-office) at 2011-10-11T08:00:00Z: conflict: idempotency key "import/c1-1/0" was already used for a different request (0 commands done)`},
		{"no file", []string{"import", "--data", data, "--format", "xes"}, 2, "",
			"cadena import: want exactly one FILE after the flags (run 'cadena help import')"},
		{"a flag after FILE", []string{"import", "--format", "csv", csv, "--data", data}, 2, "",
			`cadena import: flags go before FILE: got "--data" after ` + csv + ` (run 'cadena help import')`},
		{"bad flag", []string{"import", "--format", "xes", "--bogus", csv}, 2, "",
			"cadena import: flag provided but not defined: -bogus (run 'cadena help import')"},
		{"bad format", []string{"import", "--data", data, "--format", "json", csv}, 1, "",
			`cadena: import: --format must be csv or xes, got "json"`},
		{"no format", []string{"import", "--data", data, csv}, 1, "",
			`cadena: import: --format is required: csv or xes`},
		{"no data", []string{"import", "--format", "xes", csv}, 1, "", "cadena: import: give one of --data DIR, --store URL or --server URL (or --dry-run)"},
		{"two targets", []string{"import", "--format", "csv", "--data", data, "--server", "http://127.0.0.1:1", csv}, 1, "", "cadena: import: give only one of --data DIR, --store URL or --server URL"},
		{"server without a token", []string{"import", "--format", "csv", "--server", "http://127.0.0.1:1", csv}, 1, "", "cadena: import: --server needs --token-file, a file holding an admin token"},
		{"a server URL that is not http, its password hidden", []string{"import", "--format", "csv", "--server", "ftp://u:topsecret@127.0.0.1:1", "--token-file", csv, csv}, 1, "",
			`cadena: import: server URL "ftp://u:xxxxx@127.0.0.1:1": want http://host:port or https://host`},
		{"a server URL that does not parse, its password hidden", []string{"import", "--format", "csv", "--server", "http://u:topsecret@[::1", "--token-file", csv, csv}, 1, "",
			`cadena: import: server URL "http://xxxxx@[::1": want http://host:port or https://host`},
		{"a server URL without a scheme", []string{"import", "--format", "csv", "--server", "127.0.0.1:8080", "--token-file", csv, csv}, 1, "",
			`cadena: import: server URL "127.0.0.1:8080": want http://host:port or https://host`},
		{"bad store", []string{"import", "--format", "csv", "--store", "mysql://db", csv}, 1, "",
			`cadena: import: --store "mysql://db": want a connection string starting with esdb://, esdb+discover://, kurrentdb://, postgres:// or postgresql://`},
		{"dry run", []string{"import", "--format", "csv", "--dry-run", csv}, 0, "supplier      customer      hand-offs  returns  median held\nback-office   front-office  1          0        2h0m0s\nfront-office  back-office   1          0        0s\n", ""},
		{"bad kind, before anything is read or written", []string{"import", "--data", filepath.Join(dir, "kind"), "--format", "csv", "--kind", "Bad Kind", csv}, 1, "",
			`cadena: import: --kind "Bad Kind" is not a slug (1 to 64 lower-case letters, digits and dashes)`},
		{"bad kind in a dry run", []string{"import", "--dry-run", "--format", "csv", "--kind", "Bad Kind", csv}, 1, "",
			`cadena: import: --kind "Bad Kind" is not a slug (1 to 64 lower-case letters, digits and dashes)`},
		{"a directory for FILE", []string{"import", "--data", filepath.Join(dir, "kind"), "--format", "csv", dir}, 1, "",
			"cadena: import: " + dir + " is a directory, not a log file"},
		{"a value that does not parse", []string{"import", "--data", data, "--format", "csv", "--window", "abc", csv}, 2, "",
			`cadena import: invalid value "abc" for flag -window: parse error (run 'cadena help import')`},
		{"an empty group is the group (none)", []string{"import", "--dry-run", "--format", "csv", write("nogroup.csv", "case:concept:name,concept:name,org:group,time:timestamp\nc1,a,A,2011-10-11 09:00:00Z\nc1,b,,2011-10-11 10:00:00Z\n")}, 0,
			"supplier  customer  hand-offs  returns  median held\nnone      a         1          0        0s\n", ""},
		{"an empty token file", []string{"import", "--format", "csv", "--server", "http://127.0.0.1:1", "--token-file", write("empty.token", " \n"), csv}, 1, "",
			"cadena: import: the token file " + filepath.Join(dir, "empty.token") + " is empty: want an admin token ('cadena token new --role admin')"},
		{"a column named twice is read from its first place", []string{"import", "--dry-run", "--format", "csv", write("twice.csv", "case:concept:name,concept:name,org:group,time:timestamp,org:group\nc1,a,A,2011-10-11 09:00:00Z,X\nc1,b,B,2011-10-11 10:00:00Z,X\n")}, 0,
			"supplier  customer  hand-offs  returns  median held\nb         a         1          0        0s\n", ""},
		{"a negative --resolve-within", []string{"import", "--dry-run", "--format", "csv", "--resolve-within", "-1s", csv}, 1, "",
			"cadena: import: --resolve-within must be 0 (no agreements) or more, got -1s"},
		{"a --resolve-within of a fraction of a second", []string{"import", "--dry-run", "--format", "csv", "--resolve-within", "1.5s", csv}, 1, "",
			"cadena: import: --resolve-within must be whole seconds, got 1.5s"},
		{"bad zone", []string{"import", "--data", data, "--format", "csv", "--timezone", "Mars/Olympus", csv}, 1, "",
			`cadena: import: --timezone "Mars/Olympus" is not a time zone`},
		{"bad delimiter", []string{"import", "--data", data, "--format", "csv", "--delimiter", ";;", csv}, 1, "",
			`cadena: import: --delimiter must be one character (or \t), got ";;"`},
		{"--group and --group-attr that disagree", []string{"import", "--data", data, "--format", "xes", "--group", "workgroup", "--group-attr", "support_section", csv}, 1, "",
			`cadena: import: --group "workgroup" and --group-attr "support_section" disagree: --group-attr is --group's older name, give one`},
		{"a quote for delimiter", []string{"import", "--data", data, "--format", "csv", "--delimiter", `"`, csv}, 1, "",
			`cadena: import: --delimiter "\"" cannot be a quote, a line break or U+FFFD: CSV needs them as they are`},
		{"bad gc percent", []string{"import", "--data", data, "--format", "csv", "--gc-percent", "0", csv}, 1, "",
			`cadena: import: --gc-percent "0": want a whole number above 0, or off`},
		{"gc off without a limit", []string{"import", "--data", data, "--format", "csv", "--gc-percent", "off", "--memory-limit", "0", csv}, 1, "",
			`cadena: import: --gc-percent off needs a memory limit: give --memory-limit too`},
	}
	runCLICases(t, tests)
	assert.NoDirExists(t, filepath.Join(dir, "kind"), "a refused import makes no store")
}

// TestImportMalformed runs malformed inputs, each with the exact one-line
// error it must give, and inputs that look odd but are fine.
func TestImportMalformed(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, content, 0o600))
		return path
	}
	const header = "case:concept:name,concept:name,org:group,time:timestamp\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, err := zw.Write([]byte("<?xml version=\"1.0\"?>\n<log>\n<trace><string key=\"concept:name\" value=\"t1\"/>\n<event><date key=\"time:timestamp\" value=\"2012-10-09T14:50:17+00:00\"/></event></trace>\n</log>\n"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	files := map[string]string{
		"bad-time.csv":     header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,G,11/10/2011\n",
		"columns.csv":      "Number,Updated,Assignment group\nINC1,2024-03-01 10:00:00,Desk\n",
		"semicolon.csv":    "Number;Updated;Assignment group\nINC1;2024-03-01 10:00:00;Desk\nINC1;2024-03-01 11:00:00;Network\n",
		"bom.csv":          "\ufeff" + header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,H,2011-10-11 10:00:00+02:00\n",
		"ragged.csv":       header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,G\n",
		"truncated.xes.gz": string(gz.Bytes()[:gz.Len()-12]),
		"unclosed.xes":     "<?xml version=\"1.0\"?>\n<log>\n<trace><string key=\"concept:name\" value=\"t1\"/>\n<event>\n",
	}
	path := map[string]string{}
	for name, content := range files {
		path[name] = write(name, []byte(content))
	}
	data := filepath.Join(dir, "data")
	imp := func(format string, file string, flags ...string) []string {
		return append(append([]string{"import", "--data", data, "--format", format}, flags...), path[file])
	}
	mapped := []string{"--case", "Number", "--time", "Updated", "--group", "Assignment group"}
	runCLICases(t, []cliCase{
		{"bad timestamp", imp("csv", "bad-time.csv"), 1, "",
			`cadena: import: bad-time.csv: line 3 (case "c1"), column "time:timestamp": "11/10/2011" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"missing column", imp("csv", "columns.csv", "--case", "Number", "--time", "Updated"), 1, "",
			`cadena: import: columns.csv: line 1: no column "org:group" in the header; its columns are "Number", "Updated", "Assignment group"`},
		{"missing activity column given", imp("csv", "columns.csv", append(mapped, "--activity", "Short description")...), 1, "",
			`cadena: import: columns.csv: line 1: no column "Short description" in the header; its columns are "Number", "Updated", "Assignment group"`},
		{"semicolon file with a comma forced", imp("csv", "semicolon.csv", append(mapped, "--delimiter", ",")...), 1, "",
			`cadena: import: semicolon.csv: line 1: no column "Number" in the header; its columns are "Number;Updated;Assignment group"`},
		{"ragged row", imp("csv", "ragged.csv"), 1, "", `cadena: import: ragged.csv: line 3 (case "c1"): 3 fields, the header has 4`},
		{"truncated gzip", imp("xes", "truncated.xes.gz"), 1, "", `cadena: import: truncated.xes.gz: line 6 (case "t1"): the file ends early: truncated`},
		{"unclosed XML", imp("xes", "unclosed.xes"), 1, "", `cadena: import: unclosed.xes: line 5 (case "t1"): the file ends early, inside <event>: the XML is not closed`},
		{"an XES file as CSV", imp("csv", "unclosed.xes"), 1, "", `cadena: import: unclosed.xes: line 1: the file is XML, not CSV: give --format xes for an XES log`},
		{"semicolon file detected", imp("csv", "semicolon.csv", mapped...), 0, "2 departments, 1 pairs, 1 hand-offs", ""},
		{"byte-order mark skipped", imp("csv", "bom.csv"), 0, "2 departments, 1 pairs, 1 hand-offs", ""},
	})
}
