package importer

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// TestEncodeBodyMembers checks the hand-written batch body member by
// member, as a server's JSON decoder reads it.
func TestEncodeBodyMembers(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 30, 0, 500, time.FixedZone("x", 3600))
	const atJSON = "2024-03-01T08:30:00.0000005Z"
	m := api.Meta{IdempotencyKey: "import/h-1/0"}
	cmds := []api.Command{
		{Department: &domain.RegisterDepartment{ID: "it", Name: "IT & <Ops> \"Ünïcode\"\n", At: at}},
		{Meta: m, Agreement: &domain.SetAgreement{Supplier: "it", Customer: "hr", ResolveWithin: 72 * time.Hour, At: at}},
		{Meta: m, Request: &domain.RequestHandoff{ID: "h-1", Supplier: "it", Customer: "hr", Kind: "case",
			Title: "bad \xff byte", At: at}},
		{Meta: m, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Accept, At: at}},
		{Meta: m, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Deliver}},
		{Meta: m, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Deliver, Note: "n", At: at}},
		{Meta: m, HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Return, At: at}},
	}
	b := encodeBody(cmds, nil)
	require.NoError(t, b.err)
	assert.Equal(t, len(cmds), b.n)
	var got struct {
		Commands []map[string]any `json:"commands"`
	}
	require.NoError(t, json.Unmarshal(b.data, &got), "%s", b.data)
	key := m.IdempotencyKey
	assert.Equal(t, []map[string]any{
		{"command": "department", "id": "it", "name": "IT & <Ops> \"Ünïcode\"\n", "occurred_at": atJSON},
		{"command": "agreement", "idempotency_key": key, "supplier": "it", "customer": "hr",
			"resolve_within": "72h0m0s", "occurred_at": atJSON},
		{"command": "request", "idempotency_key": key, "id": "h-1", "supplier": "it", "customer": "hr",
			"kind": "case", "title": "bad \ufffd byte", "occurred_at": atJSON},
		{"command": "accept", "idempotency_key": key, "id": "h-1", "occurred_at": atJSON},
		{"command": "deliver", "idempotency_key": key, "id": "h-1"},
		{"command": "deliver", "idempotency_key": key, "id": "h-1", "note": "n", "occurred_at": atJSON},
		{"command": "return", "idempotency_key": key, "id": "h-1", "reason": "", "occurred_at": atJSON},
	}, got.Commands)
}

func TestEncodeBodyRefusesACommandTheServerPathLacks(t *testing.T) {
	b := encodeBody([]api.Command{{HandoffID: "h-1", Handoff: domain.HandoffCommand{Name: domain.Rate}}}, nil)
	assert.EqualError(t, b.err, `the importer cannot send "rate" to a server`)
}

// TestBatchAnswerFastAsUnmarshal holds decodeFast to json.Unmarshal on
// the answers it reads, and checks which it leaves to it.
func TestBatchAnswerFastAsUnmarshal(t *testing.T) {
	for _, tt := range []struct {
		body string
		fast bool
	}{
		{`{"results":[{"status":201,"position":7},{"status":200,"position":7,"replayed":true},{"status":200}],"position":7}` + "\n", true},
		{`{"results":[],"position":0}`, true},
		{`{"results":[{"status":201,"position":18446744073709551615}],"position":1}`, true},
		{`{"results":[{"status":422,"problem":{"status":422,"detail":"d"}}],"position":0}`, false},
		{`{"results":[{"status":201,"position":07}],"position":7}`, false},
		{`{"results":[{"status":201,"position":18446744073709551616}],"position":7}`, false},
		{`{"results":[{"status":201}],"position":7} x`, false},
		{`{"results":[{"status":201}{"status":201}],"position":7}`, false},
		{`{"results":[{"status":201}]}`, false},
		{`{ "results":[{"status":201}],"position":7}`, false},
		{`{"results":[{"status":201,"replayed":false}],"position":7}`, false},
	} {
		var fast batchAnswer
		ok := fast.decodeFast([]byte(tt.body))
		assert.Equal(t, tt.fast, ok, tt.body)
		if !ok {
			continue
		}
		var want batchAnswer
		require.NoError(t, json.Unmarshal([]byte(tt.body), &want), tt.body)
		if len(want.Results) == 0 {
			assert.Empty(t, fast.Results, tt.body)
			continue
		}
		assert.Equal(t, want, fast, tt.body)
	}
}
