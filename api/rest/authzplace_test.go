package rest_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The transport binds, calls a use case and maps errors: every
// authorization decision is the application layer's (package api), so no
// file of api/rest compares roles itself (#10).
func TestTransportMakesNoAuthorizationDecision(t *testing.T) {
	decision := regexp.MustCompile(`\.IsAdmin\(\)|\.Role\s*[!=]=|api\.Role(Admin|Head|Member)\b`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range decision.FindAllString(string(src), -1) {
			assert.Fail(t, "an authorization decision in the transport", "%s: %s (ask an api.Actor method)", f, m)
		}
	}
}
