package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "log.csv")
	os.WriteFile(csv, []byte(`case:concept:name,concept:name,org:group,time:timestamp
c1,Register,Front Office,2011-10-11 09:00:00+02:00
c1,Review,Back Office,2011-10-11 10:00:00+02:00
c1,Close,Front Office,2011-10-11 12:00:00+02:00
`), 0o600)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("case:concept:name,concept:name,org:group,time:timestamp\nc1,a,G,2011-10-11 09:00:00+02:00\nc1,b,G,later\n"), 0o600)
	data := filepath.Join(dir, "data")
	ok := []string{"import", "--data", data, "--format", "receipt-csv", "--resolve-within", "24h", csv}
	tests := []cliCase{
		{"help", []string{"help", "import"}, 0, "--group-attr", ""},
		{"first", ok, 0, "2 departments, 2 pairs, 2 hand-offs (0 returns), 2 agreements", ""},
		{"again", ok, 0, "appended 0 events", ""},
		{"no file", []string{"import", "--data", data, "--format", "xes"}, 2, "",
			"cadena import: want exactly one FILE after the flags (run 'cadena help import')"},
		{"bad flag", []string{"import", "--format", "xes", "--bogus", csv}, 2, "",
			"cadena import: flag provided but not defined: -bogus (run 'cadena help import')"},
		{"bad format", []string{"import", "--data", data, "--format", "json", csv}, 1, "",
			`cadena: import: --format must be receipt-csv or xes, got "json"`},
		{"no data", []string{"import", "--format", "xes", csv}, 1, "", "cadena: import: --data is required (or --store URL)"},
		{"malformed", []string{"import", "--data", data, "--format", "receipt-csv", bad}, 1, "",
			`cadena: import: bad.csv: line 3 (case "c1"): time:timestamp: "later" is not a timestamp (want e.g. 2011-10-11 13:45:40.276+02:00)`},
		{"not xes", []string{"import", "--data", data, "--format", "xes", csv}, 1, "",
			"cadena: import: log.csv: line 5: no <log> element: not an XES file"},
	}
	runCLICases(t, tests)
}
