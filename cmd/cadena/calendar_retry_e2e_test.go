package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cadena calendar import run again with the same --idempotency-key (its
// answer lost, say) prints what the first run added, not "added 0".
func TestCalendarImportRetried(t *testing.T) {
	dir := t.TempDir()
	toks := writeTokensFile(t, filepath.Join(dir, "tokens.json"))
	s := startServer(t, e2eConfig(dir))
	day := []string{"09:00-17:00"}
	s.must(t, http.StatusCreated, "PUT", "/api/v1/calendars/office", toks.Admin, map[string]any{"name": "Office", "time_zone": "UTC",
		"week": map[string]any{"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}})
	ics := filepath.Join(dir, "holidays.ics")
	require.NoError(t, os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cadena test//EN\r\n"+
		"BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20271225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n"+
		"END:VCALENDAR\r\n"), 0o600))
	tokFile := filepath.Join(dir, "admin.token")
	require.NoError(t, os.WriteFile(tokFile, []byte(toks.Admin+"\n"), 0o600))
	importOnce := func(key string) (int, string, string) {
		var out, errOut bytes.Buffer
		args := []string{"calendar", "import", "--server", s.base, "--token-file", tokFile, "--calendar", "office"}
		if key != "" {
			args = append(args, "--idempotency-key", key)
		}
		code := run(context.Background(), append(args, ics), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	for range 2 {
		code, out, errOut := importOnce("holidays-2027")
		require.Equal(t, 0, code, errOut)
		assert.Equal(t, "added 2 holidays to calendar office (version 2, 2 exceptions)\n", out)
	}
	code, out, errOut := importOnce("")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "added 0 holidays to calendar office (version 2, 2 exceptions)\n", out, "without a key, an import anew")
}
