package importer_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

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
		{"csv no group column", "csv", "case:concept:name,concept:name,time:timestamp\n", `line 1: no column "org:group" in the header`},
		{"csv bad time", "csv", header + "c1,a,G,2011-10-11 09:00:00+02:00\nc1,b,G,yesterday\n",
			`line 3 (case "c1"): time:timestamp: "yesterday" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00)`},
		{"csv short row", "csv", header + "c1,a,G\n", "line 2: wrong number of fields"},
		{"csv bad quote", "csv", header + "c1,\"a,G,2011-10-11 09:00:00+02:00\n", "line 2: extraneous or missing \" in quoted-field"},
		{"csv empty case", "csv", header + ",a,G,2011-10-11 09:00:00+02:00\n", "line 2: empty case:concept:name"},
		{"xes not xml", "xes", "case,activity\n", "line 2: no <log> element: not an XES file"},
		{"xes wrong root", "xes", "<html></html>", "line 1: root element is <html>, want <log>: not an XES file"},
		{"xes truncated", "xes", "<log>\n<trace>\n<event>\n", `line 4: unexpected EOF`},
		{"xes mismatched", "xes", "<log>\n<trace>\n</event>\n", `line 3: element <trace> closed by </event>`},
		{"xes no time", "xes", xes("<trace><string key=\"concept:name\" value=\"t1\"/>\n<event>\n<string key=\"org:group\" value=\"G\"/>\n</event></trace>\n"),
			`line 4 (case "t1"): event without time:timestamp`},
		{"xes bad time", "xes", xes("<trace><string key=\"concept:name\" value=\"t1\"/>\n<event><date key=\"time:timestamp\" value=\"soon\"/></event></trace>\n"),
			`line 4 (case "t1"): time:timestamp: "soon" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00)`},
		{"xes unnamed trace", "xes", xes("\n<trace>\n<event><date key=\"time:timestamp\" value=\"2012-10-09T14:50:17+00:00\"/></event></trace>\n"),
			`line 4: trace without concept:name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.format == "csv" {
				_, err = importer.ReadCSV(strings.NewReader(tt.in), "org:group")
			} else {
				_, err = importer.ReadXES(strings.NewReader(tt.in), "org:group")
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if !errors.Is(err, importer.ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
		})
	}
}

func TestReadXESGzipAndMissingGroup(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.ReplaceAll(sampleXES, `<string key="org:group" value="EMPTY" />`, "")))
	zw.Close()
	log, err := importer.ReadXES(&buf, "org:group")
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
