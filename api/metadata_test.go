package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendMetadataMatchesEncodingJSON(t *testing.T) {
	odd := "a\"b\\c<d>e&f\u2028g\x01\n\xffj ñ"
	for i, md := range []Metadata{
		{},
		{Actor: "importer", Role: RoleAdmin},
		{Actor: "ops", Role: RoleAdmin, CorrelationID: "req-1", IdempotencyKey: "import/case-1/2/accept", RequestHash: "0123abcd"},
		{Actor: odd, Role: Role(odd), Department: odd, CorrelationID: odd, IdempotencyKey: odd, RequestHash: odd},
		{Actor: "m", Role: RoleMember, Department: "it"},
	} {
		want, err := json.Marshal(md)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendMetadata(nil, md)), "metadata %d", i)
	}
}

func FuzzAppendMetadata(f *testing.F) {
	f.Add("importer", "admin", "", "key/1", "")
	f.Add("\xff<", "\u2029", "\x00", "", "\"")
	f.Fuzz(func(t *testing.T, actor, role, dept, key, hash string) {
		md := Metadata{Actor: actor, Role: Role(role), Department: dept, IdempotencyKey: key, RequestHash: hash}
		want, err := json.Marshal(md)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(appendMetadata(nil, md)))
	})
}
