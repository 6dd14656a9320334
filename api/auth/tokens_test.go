package auth_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	toks, err := auth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := toks.Lookup(opsTok); !ok || a != (api.Actor{Name: "ops", Role: api.RoleAdmin}) {
		t.Errorf("Lookup(ops) = %+v, %v", a, ok)
	}
	want := api.Actor{Name: "sales-team", Role: api.RoleMember, Department: "sales"}
	if a, ok := toks.Lookup(salesTok); !ok || a != want {
		t.Errorf("Lookup(sales) = %+v, %v", a, ok)
	}
	for _, bad := range []string{"", "cdn_nope", opsHash, opsTok + " "} {
		if a, ok := toks.Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %+v, want unknown", bad, a)
		}
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
			if !errors.Is(err, auth.ErrInvalidFile) {
				t.Fatalf("Parse = %v, want ErrInvalidFile", err)
			}
		})
	}
	if _, err := auth.Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("Load(missing) succeeded")
	}
}

func TestNewToken(t *testing.T) {
	tok, hash := auth.NewToken()
	if !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) != len(auth.TokenPrefix)+43 {
		t.Errorf("token %q: want %s and 43 base64url characters", tok, auth.TokenPrefix)
	}
	if hash != auth.Hash(tok) || len(hash) != 64 {
		t.Errorf("hash %q does not match the token", hash)
	}
	if tok2, _ := auth.NewToken(); tok2 == tok {
		t.Error("NewToken repeated a token")
	}
}

func TestNewEntryJSONLineRoundTrips(t *testing.T) {
	tok, e, err := auth.NewEntry("sales-head", api.RoleHead, "sales")
	if err != nil {
		t.Fatal(err)
	}
	line := e.JSONLine()
	if strings.Contains(string(line), tok) || !strings.HasSuffix(string(line), "}\n") {
		t.Fatalf("JSONLine = %s: want one line without the token", line)
	}
	toks, err := auth.Parse([]byte(`{"tokens":[` + strings.TrimSpace(string(line)) + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := toks.Lookup(tok); !ok || a.Role != api.RoleHead || a.Department != "sales" {
		t.Errorf("Lookup = %+v, %v", a, ok)
	}
	if _, _, err := auth.NewEntry("x", api.RoleMember, ""); err == nil {
		t.Error("NewEntry(member without department) succeeded")
	}
}
