package auth_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
)

func TestLoadAndLookup(t *testing.T) {
	opsTok, opsHash := auth.NewToken()
	salesTok, salesHash := auth.NewToken()
	file := `{"tokens":[
		{"name":"ops","sha256":"` + opsHash + `","role":"admin"},
		{"name":"sales-team","sha256":"` + strings.ToUpper(salesHash) + `","role":"member","department":"sales"}]}`
	path := filepath.Join(t.TempDir(), "tokens.json")
	require.NoError(t, os.WriteFile(path, []byte(file), 0o600))
	toks, err := auth.Load(path)
	require.NoError(t, err)
	a, ok := toks.Lookup(opsTok)
	assert.True(t, ok, "Lookup(ops)")
	assert.Equal(t, api.Actor{Name: "ops", Role: api.RoleAdmin}, a, "Lookup(ops)")
	a, ok = toks.Lookup(salesTok)
	assert.True(t, ok, "Lookup(sales): the file's hash is upper case")
	assert.Equal(t, api.Actor{Name: "sales-team", Role: api.RoleMember, Department: "sales"}, a, "Lookup(sales)")
	for _, bad := range []string{"", "cdn_nope", opsHash, opsTok + " "} {
		a, ok := toks.Lookup(bad)
		assert.False(t, ok, "Lookup(%q) = %+v, want unknown", bad, a)
	}
}

func TestParseRejects(t *testing.T) {
	h := strings.Repeat("ab", 32)
	h2 := strings.Repeat("cd", 32)
	tests := map[string]string{
		"unknown role":    `{"tokens":[{"name":"a","sha256":"` + h + `","role":"root"}]}`,
		"member no dept":  `{"tokens":[{"name":"a","sha256":"` + h + `","role":"member"}]}`,
		"head bad dept":   `{"tokens":[{"name":"a","sha256":"` + h + `","role":"head","department":"Sales"}]}`,
		"admin with dept": `{"tokens":[{"name":"a","sha256":"` + h + `","role":"admin","department":"sales"}]}`,
		"short hash":      `{"tokens":[{"name":"a","sha256":"abcd","role":"admin"}]}`,
		"not hex":         `{"tokens":[{"name":"a","sha256":"` + strings.Repeat("zz", 32) + `","role":"admin"}]}`,
		"duplicate name":  `{"tokens":[{"name":"a","sha256":"` + h + `","role":"admin"},{"name":"a","sha256":"` + h2 + `","role":"admin"}]}`,
		"duplicate hash":  `{"tokens":[{"name":"a","sha256":"` + h + `","role":"admin"},{"name":"b","sha256":"` + h + `","role":"admin"}]}`,
		"empty name":      `{"tokens":[{"name":"","sha256":"` + h + `","role":"admin"}]}`,
		"unknown field":   `{"tokens":[{"name":"a","sha256":"` + h + `","role":"admin","token":"x"}]}`,
		"not json":        `{"tokens":`,
	}
	for name, file := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := auth.Parse([]byte(file))
			assert.ErrorIs(t, err, auth.ErrInvalidFile)
		})
	}
	_, err := auth.Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.Error(t, err, "Load(missing) succeeded")
}

// TestParseNamesTheFormNotGoTypes checks that a value of the wrong JSON
// type is refused in the file's terms, not with encoding/json's Go types.
func TestParseNamesTheFormNotGoTypes(t *testing.T) {
	form := `want {"tokens": [{"name": ..., "sha256": ..., "role": ..., "department": ...}, ...]}`
	for file, want := range map[string]string{
		`[]`:                          "invalid tokens file: the file is a JSON array; " + form,
		`{"tokens":{}}`:               "invalid tokens file: tokens is a JSON object; " + form,
		`{"tokens":[{"name":1}]}`:     "invalid tokens file: tokens.name is a JSON number; " + form,
		`{"tokens":[{"role":["a"]}]}`: "invalid tokens file: tokens.role is a JSON array; " + form,
	} {
		_, err := auth.Parse([]byte(file))
		assert.ErrorIs(t, err, auth.ErrInvalidFile, file)
		assert.EqualError(t, err, want, file)
	}
}

func TestNewToken(t *testing.T) {
	tok, hash := auth.NewToken()
	assert.True(t, strings.HasPrefix(tok, auth.TokenPrefix), "token %q: want %s and 43 base64url characters", tok, auth.TokenPrefix)
	assert.Len(t, tok, len(auth.TokenPrefix)+43, "token %q: want %s and 43 base64url characters", tok, auth.TokenPrefix)
	assert.Equal(t, auth.Hash(tok), hash, "hash does not match the token")
	assert.Len(t, hash, 64, "hash")
	tok2, _ := auth.NewToken()
	assert.NotEqual(t, tok, tok2, "NewToken repeated a token")
}

func TestNewEntryJSONLineRoundTrips(t *testing.T) {
	tok, e, err := auth.NewEntry("sales-head", api.RoleHead, "sales")
	require.NoError(t, err)
	line := string(e.JSONLine())
	assert.NotContains(t, line, tok, "JSONLine: want one line without the token")
	assert.True(t, strings.HasSuffix(line, "}\n"), "JSONLine = %s: want one line without the token", line)
	toks, err := auth.Parse([]byte(`{"tokens":[` + strings.TrimSpace(line) + `]}`))
	require.NoError(t, err)
	a, ok := toks.Lookup(tok)
	assert.True(t, ok, "Lookup")
	assert.Equal(t, api.Actor{Name: "sales-head", Role: api.RoleHead, Department: "sales"}, a, "Lookup")
	_, _, err = auth.NewEntry("x", api.RoleMember, "")
	assert.Error(t, err, "NewEntry(member without department) succeeded")
}
