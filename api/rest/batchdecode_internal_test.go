package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// batchBodies are bodies decodeBatchFast takes (fast) or leaves to
// decodeJSON (!fast).
var batchBodies = []struct {
	body string
	fast bool
}{
	{`{"commands":[{"command":"department","id":"it","name":"IT"},` +
		`{"command":"request","idempotency_key":"r-1","id":"h-1","supplier":"it","customer":"sales","kind":"laptop","title":"A \"laptop\" \u00e9\n","details":"d","occurred_at":"2026-01-05T09:00:00Z"},` +
		`{"command":"agreement","supplier":"it","customer":"sales","kind":"laptop","resolve_within":"72h","respond_within":3600,"calendar":"office"},` +
		`{"command":"rating","id":"h-1","score":-4,"comment":"ok"},{"command":"return","id":"h-1","reason":"r","note":"n"}]}`, true},
	{` {"commands": [ ]} `, true},
	{"{\"commands\" : [ {\"command\" : \"request\" , \"title\":\"Caf\u00e9 \u00fcber & <b>\"} ,\n{\"command\":\"rating\",\"score\":-0} ] }", true},
	{`{"commands":[{"command":"agreement","resolve_within":1.5e3,"respond_within":-0.25E-1}]}`, true},
	{`{"commands":[{"command":"agreement","resolve_within":"\u0037\u0032h"}]}`, true},
	{`{"commands":[{"command":"rating","score":01}]}`, false},
	{`{"commands":[{"command":"agreement","resolve_within":"\0"}]}`, false},
	{`{"commands":[{"command":"agreement","resolve_within":1.}]}`, false},
	{`{"commands":[{"command":"agreement","resolve_within":-}]}`, false},
	{`{"commands":[{"command":"accept","title":"tab` + "\t" + `here"}]}`, false},
	{`{"commands":[{"command":"accept","id":"a"}],"x":1}`, false},
	{`{"x":1}`, false},
	{`{"commands":[{"command":"accept"},]}`, false},
	{`{}`, true},
	{`{"commands":[{}]}`, true},
	{`{"commands":[{"command":"accept","id":"x","color":"red"}]}`, false},
	{`{"commands":[{"command":"accept","id":null}]}`, false},
	{`{"commands":[{"command":"accept","id":5}]}`, false},
	{`{"commands":[{"command":"accept","id":"a","id":"b"}]}`, false},
	{`{"commands":[{"command":"rating","score":1.5}]}`, false},
	{`{"commands":[{"command":"rating","score":1e2}]}`, false},
	{`{"commands":[{"command":"rating","score":99999999999999999999}]}`, false},
	{`{"commands":[{"command":"agreement","resolve_within":null}]}`, false},
	{`{"commands":[{"command":"agreement","resolve_within":{"h":1}}]}`, false},
	{`{"commands":[{"\u0063ommand":"accept"}]}`, false},
	{`{"commands":[{"Command":"accept"}]}`, false},
	{`{"commands":[],"commands":[]}`, false},
	{`{"commands":null}`, false},
	{`{"commands":{}}`, false},
	{`{"commands":[1]}`, false},
	{`{"commands":[]} {}`, false},
	{`{"commands":[]`, false},
	{`{"commands":[{"command":"accept","id":"` + "\xff" + `"}]}`, false},
	{`{"commands":[{"command":"accept","id":"\ud800"}]}`, false},
	{`[]`, false},
	{`null`, false},
	{``, false},
}

func TestDecodeBatchAsDecodeJSON(t *testing.T) {
	for i, tt := range batchBodies {
		data := []byte(tt.body)
		fast, ok := decodeBatchFast(bytes.TrimSpace(data))
		assert.Equal(t, tt.fast, ok, "body %d: %s", i, tt.body)
		var want batchBody
		wantErr := decodeJSON(data, &want)
		if ok {
			require.NoError(t, wantErr, "body %d: %s", i, tt.body)
			assert.Equal(t, want, fast, "body %d", i)
		}
		got, err := decodeBatch(data)
		assert.Equal(t, wantErr, err, "body %d: %s", i, tt.body)
		if err == nil {
			assert.Equal(t, want, got, "body %d", i)
		}
	}
}

// FuzzDecodeBatch holds decodeBatchFast to decodeJSON: whatever it takes,
// decodeJSON takes too, with the same values.
func FuzzDecodeBatch(f *testing.F) {
	for _, tt := range batchBodies {
		f.Add(tt.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fast, ok := decodeBatchFast(bytes.TrimSpace([]byte(body)))
		if !ok {
			return
		}
		var want batchBody
		require.NoError(t, decodeJSON([]byte(body), &want), "%q", body)
		assert.Equal(t, want, fast, "%q", body)
	})
}

// BenchmarkDecodeBatch decodes a full batch of an import's commands.
func BenchmarkDecodeBatch(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`{"commands":[`)
	for i := range MaxBatchCommands {
		if i > 0 {
			body.WriteByte(',')
		}
		if i%3 == 0 {
			fmt.Fprintf(&body, `{"command":"request","idempotency_key":"import/h-%d/0","id":"h-%d","supplier":"g-%d","customer":"g-%d","kind":"case","title":"Case %d: printer \u0026 toner","occurred_at":"2026-01-05T09:00:%02d.123Z"}`, i, i, i%1000, (i+7)%1000, i, i%60)
		} else {
			fmt.Fprintf(&body, `{"command":"accept","idempotency_key":"import/h-%d/%d","id":"h-%d","occurred_at":"2026-01-05T09:00:%02dZ"}`, i, i%3, i, i%60)
		}
	}
	body.WriteString(`]}`)
	b.SetBytes(int64(body.Len()))
	for b.Loop() {
		if _, err := decodeBatch(body.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBatchAnswerAsEncodingJSON(t *testing.T) {
	pr := problem{Type: problemPrefix + "invalid", Title: "Unprocessable Entity", Status: 422,
		Detail: `commands[2].title: "<a & b>" is too long`, Field: "commands[2].title"}
	for _, a := range []batchAnswerJSON{
		{Results: []batchResultJSON{}},
		{Results: []batchResultJSON{{Status: 201, Position: 7}, {Status: 200, Position: 7, Replayed: true},
			{Status: 422, Problem: &pr}, {Status: 200}}, Position: 7},
	} {
		var want bytes.Buffer
		require.NoError(t, json.NewEncoder(&want).Encode(a)) // as c.JSON writes it
		assert.Equal(t, want.String(), string(a.appendJSON(nil)))
	}
}

// TestBatchFieldsAreTheStruct holds batchFields to batchCommandJSON: one
// entry per member but "command", each setting the member of its name.
func TestBatchFieldsAreTheStruct(t *testing.T) {
	typ := reflect.TypeFor[batchCommandJSON]()
	var tags []string
	for i := range typ.NumField() {
		if tag := typ.Field(i).Tag.Get("json"); tag != "command" {
			tags = append(tags, tag)
		}
	}
	var names []string
	for _, f := range batchFields {
		names = append(names, f.name)
		var b batchCommandJSON
		s, n := "x", 1
		switch {
		case f.str != nil:
			*f.str(&b) = &s
		case f.raw != nil:
			*f.raw(&b) = json.RawMessage(`"1h"`)
		default:
			*f.num(&b) = &n
		}
		assert.True(t, f.set(&b), f.name)
		data, err := json.Marshal(b)
		require.NoError(t, err)
		var members map[string]any
		require.NoError(t, json.Unmarshal(data, &members))
		for name, v := range members {
			if name != "command" {
				assert.Equal(t, name == f.name, v != nil, "%s sets %s", f.name, name)
			}
		}
	}
	assert.ElementsMatch(t, tags, names)
}
