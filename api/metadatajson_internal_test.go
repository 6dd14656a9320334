package api

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadataWrittenAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 4))
	strs := []string{"", "ops", "sales-head", "<script>&\"x\"", "bad\xff", "\u2028\n", "0b5c6f4e-8f65-4a7e-9d57-1c1f1d0f7c3a"}
	str := func() string { return strs[r.IntN(len(strs))] }
	for i := range 500 {
		md := Metadata{Actor: str(), Role: Role(str()), Department: str(), CorrelationID: str(), IdempotencyKey: str(), RequestHash: str()}
		want, err := json.Marshal(md)
		require.NoError(t, err)
		got := metadataJSON(md)
		assert.Equal(t, string(want), string(got), "case %d", i)
		assert.True(t, json.Valid(got), "case %d: stores take it unchecked (StreamAppend.EncodedJSON)", i)
	}
}

func FuzzMetadataJSON(f *testing.F) {
	f.Add("importer", "admin", "", "key/1", "")
	f.Add("\xff<", "\u2029", "\x00", "", "\"")
	f.Fuzz(func(t *testing.T, actor, role, dept, key, hash string) {
		md := Metadata{Actor: actor, Role: Role(role), Department: dept, IdempotencyKey: key, RequestHash: hash}
		want, err := json.Marshal(md)
		require.NoError(t, err)
		got := metadataJSON(md)
		assert.Equal(t, string(want), string(got))
		assert.True(t, json.Valid(got))
	})
}
