package domain_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// A request may carry details (up to MaxDetailsLen characters, tabs and
// newlines kept): the event records them and the hand-off shows them.
func TestRequestDetails(t *testing.T) {
	r := request("h1")
	r.Details = "Sixteen GB of memory, please.\n\tThe usual tools."
	evs, err := domain.DecideRequest(domain.Handoff{}, r, t0.Add(time.Minute))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, r.Details, evs[0].(domain.HandoffRequested).Details)
	assert.Equal(t, r.Details, fold(domain.Handoff{}, evs).Details)

	r.Details = strings.Repeat("é", domain.MaxDetailsLen)
	_, err = domain.DecideRequest(domain.Handoff{}, r, t0.Add(time.Minute))
	assert.NoError(t, err, "exactly the limit is allowed")

	spec, ok := domain.LookupCommand(domain.Request)
	require.True(t, ok)
	assert.Equal(t, []domain.Field{domain.FieldDetails}, spec.Fields, "the request row lists its optional member")
}

// Details are optional in the event's JSON: recorded ones round-trip, and
// requests recorded before details existed (v1 and v2 without the member)
// decode with none.
func TestRequestedEventDetailsAreOptional(t *testing.T) {
	e := domain.HandoffRequested{HandoffID: "h-1", Supplier: "legal", Customer: "sales", Kind: "contract-review",
		Title: "Review", Details: "clause 7", At: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	b, err := domain.Encode(e)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"details":"clause 7"`)
	back, err := domain.Decode(domain.TypeHandoffRequested, b)
	require.NoError(t, err)
	assert.Equal(t, e, back)

	e.Details = ""
	b, err = domain.Encode(e)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "details", "no details, no member: the golden JSON stands")

	for _, typ := range []string{"handoff.requested.v1", "handoff.requested.v2"} {
		old, err := os.ReadFile(filepath.Join("testdata", typ+".json"))
		require.NoError(t, err)
		require.NotContains(t, string(old), "details")
		ev, err := domain.Decode(typ, old)
		require.NoError(t, err, typ)
		req, ok := ev.(domain.HandoffRequested)
		require.True(t, ok, typ)
		assert.Empty(t, req.Details, typ)
		assert.NotEmpty(t, req.Title, typ)
	}
}

// The idempotency fingerprint of a request is its JSON: without details it
// is byte for byte what it was before details existed, so a retry of an
// older request under its stored key still matches.
func TestRequestFingerprintWithoutDetails(t *testing.T) {
	r := request("h1")
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "Details")
	r.Details = "more"
	b, err = json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Details":"more"`)
}
