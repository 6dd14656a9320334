package api

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetadataWrittenAsEncodingJSON holds the metadata written by hand to
// the bytes encoding/json writes: they are stored with every event
// unchecked (StreamAppend.EncodedJSON), and a retried append is recognised
// by comparing them.
func TestMetadataWrittenAsEncodingJSON(t *testing.T) {
	odd := "a\"b\\c<d>e&f\u2028g\u2029h\x01\b\f\n\r\ti\xffj ñ 日本"
	for _, m := range []Metadata{
		{},
		{Actor: "importer", Role: RoleAdmin, IdempotencyKey: "import/case-1-1/0", RequestHash: "0123456789abcdef"},
		{Actor: odd, Role: Role(odd), Department: odd, CorrelationID: odd, IdempotencyKey: odd, RequestHash: odd},
		{Actor: "ana", Role: RoleHead, Department: "it", CorrelationID: "c-1"},
	} {
		want, err := json.Marshal(m)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(metadataJSON(m)))
	}
	r := rand.New(rand.NewPCG(14, 4))
	strs := []string{"", "ops", "sales-head", "<script>&\"x\"", "bad\xff", "\u2028\n", "0b5c6f4e-8f65-4a7e-9d57-1c1f1d0f7c3a"}
	str := func() string { return strs[r.IntN(len(strs))] }
	for i := range 500 {
		md := Metadata{Actor: str(), Role: Role(str()), Department: str(), CorrelationID: str(), IdempotencyKey: str(), RequestHash: str()}
		want, err := json.Marshal(md)
		require.NoError(t, err)
		got := metadataJSON(md)
		assert.Equal(t, string(want), string(got), "case %d", i)
	}
}

func FuzzMetadataJSON(f *testing.F) {
	f.Add("importer", "admin", "", "c-1", "key/1", "")
	f.Add("\xff<", "\u2029", "\x00", "\n", "", "\"")
	f.Fuzz(func(t *testing.T, actor, role, dept, correlation, key, hash string) {
		md := Metadata{Actor: actor, Role: Role(role), Department: dept, CorrelationID: correlation, IdempotencyKey: key, RequestHash: hash}
		want, err := json.Marshal(md)
		require.NoError(t, err)
		got := metadataJSON(md)
		assert.Equal(t, string(want), string(got))
	})
}
