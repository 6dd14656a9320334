package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/domain"
)

// runToken handles "cadena token new".
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", "new --role admin|head|member [--department D] [--name NAME]", stdout)
	role := fs.String("role", "", "the token's role: admin, head or member")
	dept := fs.String("department", "", "the department of a head or member")
	name := fs.String("name", "", "a name for the token, shown in logs and event metadata (default: the role and department)")
	if len(args) == 0 || args[0] != "new" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return parseFlags(fs, args)
		}
		return usageError{errors.New("the only subcommand is 'new': cadena token new --role R [--department D]")}
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *role == "" {
		return usageError{errors.New("--role is required (admin, head or member)")}
	}
	n := *name
	if n == "" {
		n = *role
		// Only a department that is a slug names the token: another is
		// refused for what it is, not as a bad name made from it.
		if domain.ValidSlug(*dept) {
			n = *dept + "-" + *role
		}
	}
	token, entry, err := auth.NewEntry(n, api.Role(*role), *dept)
	if err != nil {
		return fmt.Errorf("token new: %w", err)
	}
	fmt.Fprintf(stdout, "token (give it to its holder; it is shown only once):\n  %s\n", token)
	fmt.Fprintf(stdout, "add this line to the \"tokens\" list of the tokens file:\n  %s", entry.JSONLine())
	return nil
}

// readTokenFile reads the admin token in path (--token-file of import,
// backup and calendar import): the file's content without surrounding
// white space, refused when the file cannot be read, holds nothing, or
// holds white space or a control character inside (a tokens file given by
// mistake), which no token has and no Authorization header may carry. The
// refusal never shows the file's content.
func readTokenFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("the token file %s is empty: want an admin token ('cadena token new --role admin')", path)
	}
	if strings.ContainsFunc(token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fmt.Errorf("the token file %s does not hold one token (white space or a control character inside it): want an admin token on one line ('cadena token new --role admin')", path)
	}
	return token, nil
}
