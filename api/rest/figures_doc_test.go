package rest_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// figuresProperty is the schema of one member (a path of property names)
// of the Figures schema of openapi.json.
func figuresProperty(t *testing.T, path ...string) *openapi3.Schema {
	t.Helper()
	doc, _ := loadDoc(t)
	ref, ok := doc.Components.Schemas["Figures"]
	require.True(t, ok, "openapi.json has no Figures schema")
	s := ref.Value
	for _, name := range path {
		p, ok := s.Properties[name]
		require.True(t, ok, "Figures has no %v", path)
		s = p.Value
	}
	return s
}

// TestFiguresDocTopDriver: the README names every value of
// friction.top_driver; the document allows exactly those, so a client
// generated from it can switch over them.
func TestFiguresDocTopDriver(t *testing.T) {
	s := figuresProperty(t, "friction", "top_driver")
	assert.ElementsMatch(t, []any{"breach", "rework", "dissatisfaction", "escalation", "none"}, s.Enum)
}

// TestFiguresDocDurations: lead_time_s and response_time_s are wall-clock
// seconds (README, The figures), even when the agreement names a calendar;
// the document must not call them supplier-owned time, and says that the
// quantiles and the mean are null when count is 0.
func TestFiguresDocDurations(t *testing.T) {
	for _, name := range []string{"lead_time_s", "response_time_s"} {
		d := figuresProperty(t, name).Description
		assert.Contains(t, d, "wall-clock", name)
		assert.NotContains(t, d, "upplier-owned", name)
		assert.Contains(t, d, "null when count is 0", name)
	}
}

// TestRankingDocMinVolume: the hot and bright spots' min_volume defaults
// to the policy's minimum volume (--min-volume), not to a fixed 5; the
// document says so on both, and says what limit takes.
func TestRankingDocMinVolume(t *testing.T) {
	doc, _ := loadDoc(t)
	for _, path := range []string{"/api/v1/hotspots", "/api/v1/brightspots"} {
		op := doc.Paths.Find(path).GetOperation("GET")
		require.NotNil(t, op, path)
		mv := op.Parameters.GetByInAndName("query", "min_volume")
		require.NotNil(t, mv, path)
		assert.Contains(t, mv.Description, "--min-volume", path)
		limit := op.Parameters.GetByInAndName("query", "limit")
		require.NotNil(t, limit, path)
		assert.Contains(t, limit.Description, "1 to 100", path)
	}
}
