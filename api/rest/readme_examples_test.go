package rest_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEExamplesAreTheDocument: the README's examples of a calendar, a
// batch and a batch's answer are the examples of openapi.json (which the
// document's validation holds to their schemas), so the two never tell a
// client different things.
func TestREADMEExamplesAreTheDocument(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)
	doc, _ := loadDoc(t)
	example := func(path, method, status, media string) string {
		op := doc.Paths.Find(path).GetOperation(method)
		require.NotNil(t, op, "%s %s", method, path)
		var ex any
		if status == "" {
			ex = op.RequestBody.Value.Content.Get(media).Example
		} else {
			ex = op.Responses.Value(status).Value.Content.Get(media).Example
		}
		require.NotNil(t, ex, "%s %s %s: no example", method, path, status)
		out, err := json.Marshal(ex)
		require.NoError(t, err)
		return string(out)
	}

	assert.JSONEq(t, indentedBlock(t, readme, "    PUT /api/v1/calendars/madrid\n", false),
		example("/api/v1/calendars/{id}", "PUT", "", "application/json"), "the calendar")
	assert.JSONEq(t, indentedBlock(t, readme, "    {\"commands\": [\n", true),
		example("/api/v1/batch", "POST", "", "application/json"), "the batch")
	const intro = "The answer is 200 with one result per command, in order: `"
	_, rest, ok := strings.Cut(readme, intro)
	require.True(t, ok, "the README's batch answer")
	answer, _, _ := strings.Cut(rest, "`")
	assert.JSONEq(t, answer, example("/api/v1/batch", "POST", "200", "application/json"), "the batch's answer")
}

// indentedBlock returns the README's code block (lines indented by four
// spaces) that starts at the line first, with that line when keep is set,
// else from the line after it.
func indentedBlock(t *testing.T, readme, first string, keep bool) string {
	t.Helper()
	i := strings.Index(readme, first)
	require.GreaterOrEqual(t, i, 0, "README has no block starting %q", first)
	if !keep {
		i += len(first)
	}
	var lines []string
	for _, line := range strings.Split(readme[i:], "\n") {
		if !strings.HasPrefix(line, "    ") {
			break
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
