package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/domain"
)

// runCalendar handles "cadena calendar import": the holidays of an
// iCalendar file into a calendar, through a running server's API.
func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return runCalendarImport(ctx, []string{"-h"}, stdout, stderr)
		}
		return usageError{errors.New("want 'cadena calendar import --server URL --token-file F --calendar ID FILE.ics'")}
	}
	return runCalendarImport(ctx, args[1:], stdout, stderr)
}

func runCalendarImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calendar import", "--server URL --token-file F --calendar ID FILE.ics", stdout)
	server := fs.String("server", "", "base URL of the cadena server, such as http://127.0.0.1:8080")
	tokenFile := fs.String("token-file", "", "file holding an admin's API token")
	id := fs.String("calendar", "", "ID of the calendar that gets the holidays (it must exist)")
	key := fs.String("idempotency-key", "", "sent as Idempotency-Key: a retry with the same key answers as the first import did")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return usageError{errors.New("want exactly one FILE.ics after the flags")}
	case *server == "":
		return usageError{errors.New("--server is required")}
	case *tokenFile == "":
		return usageError{errors.New("--token-file is required")}
	case *id == "":
		return usageError{errors.New("--calendar is required")}
	}
	if u, err := url.Parse(*server); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Errorf("--server %q: want http://host:port or https://host", importer.RedactedURL(*server))}
	}
	if !domain.ValidSlug(*id) { // no calendar has such an ID: known before asking
		return fmt.Errorf("calendar import: --calendar %q is not a calendar ID (1 to 64 lower-case letters, digits and dashes)", *id)
	}
	tok, err := readTokenFile(*tokenFile)
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	target := strings.TrimRight(*server, "/") + "/api/v1/calendars/" + url.PathEscape(*id) + "/holidays"
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	req.Header.Set("Content-Type", "text/calendar")
	if *key != "" {
		req.Header.Set("Idempotency-Key", *key)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("calendar import: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("calendar import: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var p struct {
			Detail string `json:"detail"`
		}
		if json.Unmarshal(body, &p) != nil || p.Detail == "" {
			p.Detail = strings.TrimSpace(string(body))
		}
		return fmt.Errorf("calendar import: %s: %s", resp.Status, p.Detail)
	}
	var out struct {
		ID         string `json:"id"`
		Version    uint64 `json:"version"`
		Added      int    `json:"added"`
		Exceptions []any  `json:"exceptions"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("calendar import: the answer is not a calendar: %w", err)
	}
	fmt.Fprintf(stdout, "added %d holidays to calendar %s (version %d, %d exceptions)\n", out.Added, out.ID, out.Version, len(out.Exceptions))
	return nil
}
