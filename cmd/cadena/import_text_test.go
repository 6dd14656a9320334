package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportMakesTheLogsTextValid: an activity, a case ID or a group that
// holds a control character or bytes that are not UTF-8 (a stray byte of an
// export) would make a title or a department name the application refuses,
// and stop the import part-way; the import writes them with U+FFFD in
// their place, as README says, so the whole log goes in, and again appends
// nothing. A group of only white space is the group "(none)".
func TestImportMakesTheLogsTextValid(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "log.csv")
	require.NoError(t, os.WriteFile(file, []byte("case:concept:name,concept:name,time:timestamp,org:group\n"+
		"c1,open,2011-10-11 13:45:40,Desk\n"+
		"c1,fix\x01it,2011-10-11 13:45:41,Net\x1bwork\n"+
		"c\x7f2,open,2011-10-11 13:45:42,Desk\n"+
		"c\x7f2,b\xffad,2011-10-11 13:45:43,G\x00\n"+
		// A group of only white space is no group, as an empty cell.
		"c3,open,2011-10-11 13:45:44,Desk\n"+
		"c3,wait,2011-10-11 13:45:45,\"  \"\n"+
		"c3,done,2011-10-11 13:45:46,\u2003\n"), 0o600))
	data := filepath.Join(dir, "data")
	code, stdout, stderr := runCLI("import", "--data", data, "--format", "csv", file)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "4 departments, 3 pairs, 3 hand-offs")
	assert.Contains(t, stdout, "0 imported before")
	code, stdout, stderr = runCLI("import", "--data", data, "--format", "csv", file)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, " 0 new,")
}
