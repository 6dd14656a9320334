package importer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
)

func TestReadRejectsMalformedInput(t *testing.T) {
	const header = "case:concept:name,concept:name,org:group,time:timestamp\n"
	xes := func(body string) string {
		return "<?xml version=\"1.0\"?>\n<log>\n" + body + "</log>\n"
	}
	tests := []struct {
		name   string
		format string
		in     string
		want   string // the whole error message
	}{
		{"csv empty", "csv", "", "line 1: empty file: want a header row"},
		{"csv no group column", "csv", "case:concept:name,concept:name,time:timestamp\n",
			`line 1: no column "org:group" in the header; its columns are "case:concept:name", "concept:name", "time:timestamp"`},
		{"csv bad time", "csv", header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,G,yesterday\n",
			`line 3 (case "c1"), column "time:timestamp": "yesterday" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"csv short row", "csv", header + "c1,a,G\n", `line 2 (case "c1"): 3 fields, the header has 4`},
		{"csv bad quote", "csv", header + "c1,\"a,G,2011-10-11 09:00:00+02:00\n", "line 2: a quoted field is not closed, or a quote inside it is not doubled"},
		{"csv bad quote over lines", "csv", header + "c1,\"a,G,2011-10-11 09:00:00+02:00\nc2,b,G,2011-10-11 09:00:00+02:00\n",
			"line 3: a quoted field begun on line 2 is not closed, or a quote inside it is not doubled"},
		{"csv bare quote", "csv", header + "c1,5\" monitor,G,2011-10-11 09:00:00+02:00\n",
			`line 2: a quote inside a field that is not quoted (character 5 of the line): quote the field and double its quotes ("5"" monitor")`},
		{"csv empty case", "csv", header + ",a,G,2011-10-11 09:00:00+02:00\n", `line 2, column "case:concept:name": empty case ID`},
		{"xes not xml", "xes", "case,activity\n", "line 2: no <log> element: not an XES file"},
		{"xes wrong root", "xes", "<html></html>", "line 1: root element is <html>, want <log>: not an XES file"},
		{"xes truncated", "xes", "<log>\n<trace>\n<event>\n", `line 4: the file ends early, inside <event>: the XML is not closed`},
		{"xes mismatched", "xes", "<log>\n<trace>\n</event>\n", `line 3: element <trace> closed by </event>`},
		{"xes no time", "xes", xes("<trace><string key=\"concept:name\" value=\"t1\"/>\n<event>\n<string key=\"org:group\" value=\"G\"/>\n</event></trace>\n"),
			`line 4 (case "t1"): event without time:timestamp`},
		{"xes bad time", "xes", xes("<trace><string key=\"concept:name\" value=\"t1\"/>\n<event><date key=\"time:timestamp\" value=\"soon\"/></event></trace>\n"),
			`line 4 (case "t1"), column "time:timestamp": "soon" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00, or give --time-format)`},
		{"xes unnamed trace", "xes", xes("\n<trace>\n<event><date key=\"time:timestamp\" value=\"2012-10-09T14:50:17+00:00\"/></event></trace>\n"),
			`line 4: trace without concept:name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.format == "csv" {
				_, err = importer.ReadCSV(strings.NewReader(tt.in), importer.ReadOptions{})
			} else {
				_, err = importer.ReadXES(strings.NewReader(tt.in), importer.ReadOptions{})
			}
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, importer.ErrMalformed)
			// Streamed, imported or dry run, the same error.
			f := importer.CSV
			if tt.format == "xes" {
				f = importer.XES
			}
			_, err = importer.Import(context.Background(), &recorder{}, f, strings.NewReader(tt.in), importer.ReadOptions{}, importer.StreamOptions{})
			assert.EqualError(t, err, tt.want, "Import")
			_, _, err = importer.DryRun(f, strings.NewReader(tt.in), importer.ReadOptions{}, importer.StreamOptions{})
			assert.EqualError(t, err, tt.want, "DryRun")
		})
	}
}

func TestReadXESGzipAndMissingGroup(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.ReplaceAll(sampleXES, `<string key="org:group" value="EMPTY" />`, "")))
	zw.Close()
	log, err := importer.ReadXES(&buf, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Cases) != 3 || log.Events != 12 {
		t.Fatalf("read %d cases and %d events, want 3 and 12", len(log.Cases), log.Events)
	}
	if g := log.Cases[1].Events[0].Group; g != importer.NoGroup {
		t.Fatalf("group of an event without the attribute = %q, want %q", g, importer.NoGroup)
	}
	if line := log.Cases[1].Events[1].Line; line != 23 {
		t.Fatalf("line of the second event of case 2 = %d, want 23", line)
	}
}

// TestReadCSVMapping reads exports whose columns, delimiters and
// timestamps are not the XES standard ones.
func TestReadCSVMapping(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	cols := importer.ReadOptions{Case: "Number", Time: "Updated", Group: "Assignment group", ActivityOptional: true}
	tests := []struct {
		name string
		in   string
		opts importer.ReadOptions
		want []string // case, group, activity and time (UTC) of each event, in file order
	}{
		{"semicolon, no activity column", "Number;Updated;Assignment group\nINC1;2024-03-01 10:00:00;Service Desk\nINC1;2024-03-01 11:30:00.5;Network\n", cols,
			[]string{"INC1 Service Desk  2024-03-01T10:00:00Z", "INC1 Network  2024-03-01T11:30:00.5Z"}},
		{"tab and a byte-order mark", "\ufeffNumber\tUpdated\tAssignment group\nINC2\t2024-03-01T10:00:00+01:00\tDesk\n", cols,
			[]string{"INC2 Desk  2024-03-01T09:00:00Z"}},
		{"quoted fields with newlines and the delimiter", "Number,Updated,Assignment group,Short description\n\"INC,3\",2024-03-01 10:00:00,\"Desk\",\"two\nlines\"\n",
			importer.ReadOptions{Case: "Number", Time: "Updated", Group: "Assignment group", Activity: "Short description"},
			[]string{"INC,3 Desk two\nlines 2024-03-01T10:00:00Z"}},
		{"zone-less times in a time zone", "Number,Updated,Assignment group\nINC4,2024-07-01 10:00:00,Desk\n",
			importer.ReadOptions{Case: "Number", Time: "Updated", Group: "Assignment group", ActivityOptional: true, Location: berlin},
			[]string{"INC4 Desk  2024-07-01T08:00:00Z"}},
		{"a layout of its own", "SR Number;Change Date+Time;Involved ST\n1-364285768;01.04.2010 08:59;V5 3rd\n",
			importer.ReadOptions{Case: "SR Number", Time: "Change Date+Time", Group: "Involved ST", ActivityOptional: true, TimeFormat: "02.01.2006 15:04"},
			[]string{"1-364285768 V5 3rd  2010-04-01T08:59:00Z"}},
		{"a delimiter given", "a|b|c\nx|2024-03-01 10:00:00|G\n",
			importer.ReadOptions{Case: "a", Time: "b", Group: "c", ActivityOptional: true, Delimiter: '|'},
			[]string{"x G  2024-03-01T10:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, err := importer.ReadCSV(strings.NewReader(tt.in), tt.opts)
			require.NoError(t, err)
			var got []string
			for _, c := range log.Cases {
				for _, e := range c.Events {
					got = append(got, c.ID+" "+e.Group+" "+e.Activity+" "+e.At.UTC().Format(time.RFC3339Nano))
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
