package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cadena-project/cadena/api"
)

// TokenPrefix starts every token NewToken makes, so that a leaked token is
// easy to recognise (and to scan for).
const TokenPrefix = "cdn_"

// NewToken returns a fresh token (TokenPrefix and 32 random bytes,
// base64url) and the hex SHA-256 of it to put in the tokens file.
func NewToken() (token, hashHex string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("auth: reading random bytes: %v", err))
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, Hash(token)
}

// Hash returns the hex SHA-256 of a token, as the tokens file holds it.
func Hash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewEntry makes a token for a name, role and department and returns the
// token (to hand to its holder once) and the entry for the tokens file.
func NewEntry(name string, role api.Role, department string) (token string, e Entry, err error) {
	token, hash := NewToken()
	e = Entry{Name: name, SHA256: hash, Role: role, Department: department}
	if err := e.Validate(); err != nil {
		return "", Entry{}, err
	}
	return token, e, nil
}

// JSONLine returns the entry as one line of JSON, ready to paste into the
// "tokens" list of a tokens file; it holds the hash, never the token.
func (e Entry) JSONLine() []byte {
	b, _ := json.Marshal(e) // strings only: cannot fail
	return append(b, '\n')
}
