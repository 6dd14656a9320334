package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// requestBody has the members of every write body: a command's, a
// request's, an agreement's and a department's.
type requestBody struct {
	commandBody
	ID            string          `json:"id"`
	Supplier      string          `json:"supplier"`
	Customer      string          `json:"customer"`
	Kind          string          `json:"kind"`
	Title         string          `json:"title"`
	Name          string          `json:"name"`
	ResolveWithin json.RawMessage `json:"resolve_within"`
	RespondWithin json.RawMessage `json:"respond_within"`
}

// FuzzDecode feeds request bodies to the decoder and the parsing behind
// it: nothing panics; every refusal is a 400 or a 422, never a 500; what is
// accepted was one JSON object whose strings are valid UTF-8, and the
// lenient encoding/json reads it the same way (the strict decoder refuses
// more, never reads otherwise).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{} {}`,
		`{"score":4,"comment":"quick and clear","occurred_at":"2026-03-02T09:30:00Z"}`,
		`{"score":1,"score":5}`, `{"SCORE":4}`, `{"reason":"a\u0000b"}`, "{\"note\":\"caf\xe9\"}",
		`{"comment":"\udc00"}`, `{"score":4.5}`, `{"score":"4"}`, `{"occurred_at":"0001-01-01T00:00:00Z"}`,
		`{"occurred_at":""}`, `{"occurred_at":null}`,
		`{"id":"h-1","supplier":"legal","customer":"sales","kind":"contract-review","title":"Review","occurred_at":"1970-01-01T00:00:00Z"}`,
		`{"resolve_within":"72h","respond_within":14400,"kind":"k"}`, `{"resolve_within":1e300}`,
		`{"resolve_within":"-5h"}`, `{"name":"Legal & Compliance"}`, `{"name":{"nested":[1,2,{"x":null}]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v requestBody
		err := decodeJSON(data, &v)
		if err != nil {
			pr, internal := problemFor(err)
			require.False(t, internal, "decoding %q is a 500: %v", data, err)
			assert.Contains(t, []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, pr.Status, "%v", err)
			return
		}
		trimmed := bytes.TrimSpace(data)
		if len(trimmed) > 0 {
			assert.Equal(t, byte('{'), trimmed[0], "accepted a body that is not an object: %q", data)
		}
		for _, s := range []string{v.ID, v.Supplier, v.Customer, v.Kind, v.Title, v.Name,
			deref(v.OccurredAt), deref(v.Reason), deref(v.Note), deref(v.Comment)} {
			assert.True(t, utf8.ValidString(s), "accepted invalid UTF-8 %q", s)
		}
		if len(trimmed) > 0 {
			var lenient requestBody
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&lenient), "encoding/json refuses what the strict decoder took: %q", data)
			assert.True(t, reflect.DeepEqual(compact(t, v), compact(t, lenient)), "read differently: %+v and %+v", v, lenient)
		}
		// What follows decoding never fails on the server's side either.
		for _, spec := range domain.Commands() {
			if _, err := v.command(spec); err != nil {
				_, internal := problemFor(err)
				assert.False(t, internal, "%s: %v", spec.Name, err)
			}
		}
		for field, raw := range map[string]json.RawMessage{"resolve_within": v.ResolveWithin, "respond_within": v.RespondWithin} {
			if _, err := parseDuration(field, raw); err != nil {
				_, internal := problemFor(err)
				assert.False(t, internal, "%s: %v", field, err)
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// compact normalises the raw members, which keep their bytes as sent.
func compact(t *testing.T, v requestBody) requestBody {
	for _, raw := range []*json.RawMessage{&v.ResolveWithin, &v.RespondWithin} {
		if len(*raw) == 0 || string(*raw) == "null" {
			*raw = nil
			continue
		}
		var b bytes.Buffer
		require.NoError(t, json.Compact(&b, *raw))
		*raw = b.Bytes()
	}
	return v
}
