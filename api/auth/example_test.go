package auth_test

import (
	"fmt"
	"strings"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
)

// A new token for the head of sales: the token goes to its holder once, the
// line (with the hash only) into the tokens file.
func ExampleNewEntry() {
	token, entry, err := auth.NewEntry("sales-head", api.RoleHead, "sales")
	if err != nil {
		panic(err)
	}
	tokens, err := auth.Parse([]byte(`{"tokens": [` + strings.TrimSpace(string(entry.JSONLine())) + `]}`))
	if err != nil {
		panic(err)
	}
	actor, ok := tokens.Lookup(token)
	fmt.Println(strings.HasPrefix(token, auth.TokenPrefix), actor.Name, actor.Role, actor.Department, ok)
	// Output: true sales-head head sales true
}
