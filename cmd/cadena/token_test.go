package main

import "testing"

// TestTokenNewNeedsARole checks that "cadena token new" without --role is
// a usage error that names the missing flag, not a refusal of a name the
// user never gave.
func TestTokenNewNeedsARole(t *testing.T) {
	runCLICases(t, []cliCase{
		{"no role", []string{"token", "new"}, 2, "", "cadena token: --role is required (admin, head or member) (run 'cadena help token')"},
		{"no role, a department", []string{"token", "new", "--department", "sales"}, 2, "", "cadena token: --role is required (admin, head or member) (run 'cadena help token')"},
	})
}
