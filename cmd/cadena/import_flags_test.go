package main

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportCSVFlags runs the CSV mapping flags of cadena import end to
// end, on dry runs whose pairs table shows the order the events were put
// in: the supplier of the one hand-off is the group that came second.
// A zone-less time comes before or after 09:30Z depending on --timezone.
func TestImportCSVFlags(t *testing.T) {
	dir := t.TempDir()
	path := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	const (
		aFirst = "supplier  customer  hand-offs  returns  median held\nb         a         1          0        0s\n"
		bFirst = "supplier  customer  hand-offs  returns  median held\na         b         1          0        0s\n"
	)
	isoT := path("iso-t.csv", "case,t,g\nc1,2020-01-01T10:00:00,A\nc1,2020-01-01T09:30:00Z,B\n")
	space := path("space.csv", "case,t,g\nc1,2020-01-01 10:00:00.250,A\nc1,2020-01-01 09:30:00+00:00,B\n")
	layout := path("layout.csv", "case;t;g\nc1;01.01.2020 10:00;A\nc1;2020-01-01T09:30:00Z;B\n")
	tab := path("tab.tsv", "case\tt\tg\nc1\t2020-01-01T09:00:00Z\tA\nc1\t2020-01-01T09:30:00Z\tB\n")
	quoted := path("quoted.csv", "Number,Short description,Updated,Assignment group\n"+
		"\"INC,1\",\"two\nlines\",2024-03-01 10:00:00,Desk\n\"INC,1\",x,03/01/2024,Network\n")
	gz := path("log.csv.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00")
	dry := func(file string, flags ...string) []string {
		return append(append([]string{"import", "--dry-run", "--format", "csv", "--case", "case", "--time", "t", "--group", "g"}, flags...), file)
	}
	runCLICases(t, []cliCase{
		{"zone-less times are UTC by default", dry(isoT), 0, bFirst, ""},
		{"--timezone places zone-less times", dry(isoT, "--timezone", "Europe/Berlin"), 0, aFirst, ""},
		{"a space, fractions and no zone", dry(space, "--timezone", "Europe/Berlin"), 0, aFirst, ""},
		{"the same in UTC", dry(space), 0, bFirst, ""},
		{"--time-format without a zone, in --timezone", dry(layout, "--time-format", "02.01.2006 15:04", "--timezone", "Europe/Berlin"), 0, aFirst, ""},
		{"--time-format in UTC", dry(layout, "--time-format", "02.01.2006 15:04"), 0, bFirst, ""},
		{"a layout not given", dry(layout), 1, "",
			`cadena: import: layout.csv: line 2 (case "c1"), column "t": "01.01.2020 10:00" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"tab detected", dry(tab), 0, aFirst, ""},
		{"--delimiter \\t", dry(tab, "--delimiter", `\t`), 0, aFirst, ""},
		{"a wrong --delimiter", dry(tab, "--delimiter", ";"), 1, "",
			`cadena: import: tab.tsv: line 1: no column "case" in the header; its columns are "case\tt\tg"`},
		{"quoted fields with newlines and commas; lines counted in the file", []string{"import", "--dry-run", "--format", "csv",
			"--case", "Number", "--activity", "Short description", "--time", "Updated", "--group", "Assignment group", quoted}, 1, "",
			`cadena: import: quoted.csv: line 4 (case "INC,1"), column "Updated": "03/01/2024" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"a gzip-compressed CSV", dry(gz), 1, "",
			"cadena: import: log.csv.gz: line 1: the file is gzip-compressed: decompress it first (only --format xes reads gzip)"},
	})
}

// TestImportDryRunTableByVolume: the dry run of the real receipt log
// prints its 43 pairs, most hand-offs first (then most returns), with the
// median time held; Group 3 -> Group 2 is the most frequent move.
func TestImportDryRunTableByVolume(t *testing.T) {
	out, errOut, code := runImportCLI(t, "--dry-run", "--format", "csv", sharedLog(t, "receipt.csv"))
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Greater(t, len(lines), 2, out)
	assert.Equal(t, "read 8577 events of 1434 cases", lines[0][:len("read 8577 events of 1434 cases")])
	assert.Equal(t, []string{"supplier", "customer", "hand-offs", "returns", "median", "held"}, strings.Fields(lines[1]))
	rows := lines[2:]
	require.Len(t, rows, 43, "one row a pair")
	type row struct{ handoffs, returns int }
	var got []row
	handoffs := 0
	for _, l := range rows {
		f := strings.Fields(l)
		require.Len(t, f, 5, l)
		h, err := strconv.Atoi(f[2])
		require.NoError(t, err, l)
		r, err := strconv.Atoi(f[3])
		require.NoError(t, err, l)
		if f[4] != "-" {
			_, err = time.ParseDuration(f[4])
			require.NoError(t, err, "median held of %q", l)
		}
		got = append(got, row{h, r})
		handoffs += h
	}
	assert.True(t, slices.IsSortedFunc(got, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.handoffs, a.handoffs), cmp.Compare(b.returns, a.returns))
	}), "rows by volume:\n%s", out)
	assert.Equal(t, []string{"group-2", "group-3"}, strings.Fields(rows[0])[:2], "Group 3 -> Group 2: group-2 supplies group-3")
	assert.Equal(t, 5215, handoffs, "every hand-off in one row")
}
