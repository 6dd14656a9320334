// Package auth authenticates API callers by bearer token.
//
// # Basics
//
// Tokens are never stored: the tokens file lists, for each one, a name, the
// SHA-256 of the token (hex), a role and, for members and heads, the
// department they belong to:
//
//	{"tokens": [
//	  {"name": "ops", "sha256": "<64 hex digits>", "role": "admin"},
//	  {"name": "sales-team", "sha256": "...", "role": "member", "department": "sales"},
//	  {"name": "sales-head", "sha256": "...", "role": "head", "department": "sales"}
//	]}
//
// Lookup hashes the presented token and finds the entry by its hash, so a
// token is compared only as a digest and never held or logged. NewToken
// makes a fresh token and the hash to put in the file.
package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
)

// ErrInvalidFile is returned by Load and Parse for a tokens file that does
// not follow the format; the message names the entry and the field.
var ErrInvalidFile = errors.New("invalid tokens file")

// Entry is one token as the tokens file lists it.
type Entry struct {
	Name       string   `json:"name"`
	SHA256     string   `json:"sha256"`
	Role       api.Role `json:"role"`
	Department string   `json:"department,omitempty"`
}

// Tokens maps token hashes to actors. It is immutable and safe for
// concurrent use.
type Tokens struct {
	byHash map[[sha256.Size]byte]api.Actor
}

// Load reads and validates a tokens file.
func Load(path string) (*Tokens, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tokens file: %w", err)
	}
	return Parse(b)
}

// Parse validates the JSON of a tokens file.
func Parse(data []byte) (*Tokens, error) {
	var file struct {
		Tokens []Entry `json:"tokens"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) { // its message names Go types, not the file's form
			where := "the file"
			if te.Field != "" {
				where = te.Field
			}
			return nil, fmt.Errorf(`%w: %s is a JSON %s; want {"tokens": [{"name": ..., "sha256": ..., "role": ..., "department": ...}, ...]}`,
				ErrInvalidFile, where, te.Value)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	return New(file.Tokens)
}

// New validates entries and returns the Tokens they describe: every name
// unique, every hash 64 hex digits and unique, the role known, and a
// department slug for members and heads (none for admins).
func New(entries []Entry) (*Tokens, error) {
	t := &Tokens{byHash: make(map[[sha256.Size]byte]api.Actor, len(entries))}
	names := make(map[string]bool, len(entries))
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%w: token %d: %w", ErrInvalidFile, i, err)
		}
		if names[e.Name] {
			return nil, fmt.Errorf("%w: token %d: name %q is used twice", ErrInvalidFile, i, e.Name)
		}
		names[e.Name] = true
		var h [sha256.Size]byte
		hex.Decode(h[:], []byte(e.SHA256)) // checked by Validate
		if _, dup := t.byHash[h]; dup {
			return nil, fmt.Errorf("%w: token %d (%s): sha256 is used twice", ErrInvalidFile, i, e.Name)
		}
		t.byHash[h] = api.Actor{Name: e.Name, Role: e.Role, Department: e.Department}
	}
	return t, nil
}

// Validate checks one entry on its own.
func (e Entry) Validate() error {
	if e.Name == "" || len(e.Name) > 100 {
		return errors.New("name must be 1 to 100 bytes")
	}
	for _, r := range e.Name {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("name %q must be printable ASCII without spaces", e.Name)
		}
	}
	if len(e.SHA256) != 2*sha256.Size {
		return fmt.Errorf("%s: sha256 must be %d hex digits", e.Name, 2*sha256.Size)
	}
	if _, err := hex.DecodeString(e.SHA256); err != nil {
		return fmt.Errorf("%s: sha256 must be %d hex digits", e.Name, 2*sha256.Size)
	}
	switch e.Role {
	case api.RoleAdmin:
		if e.Department != "" {
			return fmt.Errorf("%s: an admin has no department", e.Name)
		}
	case api.RoleMember, api.RoleHead:
		if !domain.ValidSlug(e.Department) {
			return fmt.Errorf("%s: a %s needs a department slug, got %q", e.Name, e.Role, e.Department)
		}
	default:
		return fmt.Errorf("%s: unknown role %q (admin, head or member)", e.Name, e.Role)
	}
	return nil
}

// Lookup returns the actor a bearer token belongs to; false for an unknown
// token.
func (t *Tokens) Lookup(token string) (api.Actor, bool) {
	if t == nil || token == "" {
		return api.Actor{}, false
	}
	var buf [128]byte // the token's bytes on the stack, for the common lengths
	b := buf[:0]
	if len(token) > len(buf) {
		b = make([]byte, 0, len(token))
	}
	a, ok := t.byHash[sha256.Sum256(append(b, token...))]
	return a, ok
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.byHash) }
