package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTokenNewNeedsARole checks that "cadena token new" without --role is
// a usage error that names the missing flag, not a refusal of a name the
// user never gave.
func TestTokenNewNeedsARole(t *testing.T) {
	runCLICases(t, []cliCase{
		{"no role", []string{"token", "new"}, 2, "", "cadena token: --role is required (admin, head or member) (run 'cadena help token')"},
		{"no role, a department", []string{"token", "new", "--department", "sales"}, 2, "", "cadena token: --role is required (admin, head or member) (run 'cadena help token')"},
	})
}

// TestTokenFileRefusedBeforeAnyRequest checks that backup and calendar
// import, as import does, refuse a --token-file that cannot be read or is
// empty on one line, before they send anything or make a file (the server
// named here listens nowhere).
func TestTokenFileRefusedBeforeAnyRequest(t *testing.T) {
	dir := t.TempDir()
	empty, missing := filepath.Join(dir, "empty.token"), filepath.Join(dir, "missing.token")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o600))
	// A tokens file given by mistake: several lines, none of them a token.
	notOne := filepath.Join(dir, "tokens.json")
	require.NoError(t, os.WriteFile(notOne, []byte("{\"tokens\": [\n  {\"name\": \"ops\", \"sha256\": \"secret-ish\"}]}\n"), 0o600))
	ics := filepath.Join(dir, "holidays.ics")
	require.NoError(t, os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), 0o600))
	csv := filepath.Join(dir, "log.csv")
	require.NoError(t, os.WriteFile(csv, []byte("case:concept:name,concept:name,time:timestamp,org:group\nc1,a,2011-10-11T13:45:40Z,g1\n"), 0o600))
	out := filepath.Join(dir, "backup.db")
	isEmpty := "the token file " + empty + " is empty: want an admin token ('cadena token new --role admin')"
	notRead := "reading the token: open " + missing + ": no such file or directory"
	isNotOne := "the token file " + notOne + " does not hold one token (white space or a control character inside it): want an admin token on one line ('cadena token new --role admin')"
	runCLICases(t, []cliCase{
		{"backup, empty", []string{"backup", "--server", "http://127.0.0.1:1", "--token-file", empty, out}, 1, "", "cadena: backup: " + isEmpty},
		{"backup, missing", []string{"backup", "--server", "http://127.0.0.1:1", "--token-file", missing, out}, 1, "", "cadena: backup: " + notRead},
		{"backup, not one token", []string{"backup", "--server", "http://127.0.0.1:1", "--token-file", notOne, out}, 1, "", "cadena: backup: " + isNotOne},
		{"import, not one token", []string{"import", "--server", "http://127.0.0.1:1", "--token-file", notOne, "--format", "csv", csv}, 1, "", "cadena: import: " + isNotOne},
		{"calendar, not one token", []string{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", notOne, "--calendar", "madrid", ics}, 1, "", "cadena: calendar import: " + isNotOne},
		{"calendar, empty", []string{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", empty, "--calendar", "madrid", ics}, 1, "", "cadena: calendar import: " + isEmpty},
		{"calendar, missing", []string{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", missing, "--calendar", "madrid", ics}, 1, "", "cadena: calendar import: " + notRead},
		{"calendar, not an ID", []string{"calendar", "import", "--server", "http://127.0.0.1:1", "--token-file", empty, "--calendar", "Madrid Office", ics}, 1, "",
			`cadena: calendar import: --calendar "Madrid Office" is not a calendar ID (1 to 64 lower-case letters, digits and dashes)`},
	})
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 4, "files made by the refused commands: %v", entries)
}
