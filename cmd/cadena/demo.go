package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// runDemo handles "cadena demo": a server on the embedded store with a
// realistic organisation, fresh tokens, and a trickle of live activity.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg serveConfig
	fs := newFlagSet("demo", "[--addr HOST:PORT] [--data DIR]", stdout)
	cfg.flags(fs)
	fs.BoolVar(&cfg.init, "init", false, "take an existing, empty cadena.db in --data as a new store (refused otherwise)")
	seed := fs.Uint64("seed", 1, "seed of the demo organisation's history")
	tick := fs.Duration("live-every", 10*time.Second, "how often the demo records live activity through the API (0: never)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil { // before anything is made or seeded
		return err
	}
	if *tick < 0 {
		return fmt.Errorf("demo: --live-every %s: want 0 (never) or more", *tick)
	}
	// A --tokens path is checked before the data directory is made: a
	// refused demo makes nothing.
	if cfg.tokens != "" {
		if _, err := os.Stat(cfg.tokens); err == nil {
			// The demo writes fresh tokens: never overwrite a file it did not make.
			return fmt.Errorf("demo: --tokens %s exists; the demo writes fresh tokens, so give a new path or leave --tokens out", cfg.tokens)
		} else if fi, err := os.Stat(filepath.Dir(cfg.tokens)); err != nil || !fi.IsDir() {
			// Known now, not once the demo is seeded.
			return fmt.Errorf("demo: --tokens %s: its directory %s does not exist", cfg.tokens, filepath.Dir(cfg.tokens))
		}
	}
	// The data directory holds the tokens file, and the embedded store's
	// file unless --store names a database to seed instead.
	if cfg.data == "" {
		dir, err := os.MkdirTemp("", "cadena-demo-")
		if err != nil {
			return fmt.Errorf("demo: creating a data directory: %w", err)
		}
		cfg.data = dir
	}
	if err := os.MkdirAll(cfg.data, 0o750); err != nil {
		return fmt.Errorf("demo: creating the data directory: %w", err)
	}
	if cfg.tokens == "" {
		cfg.tokens = filepath.Join(cfg.data, "tokens.json")
	}
	sum, err := seedDemo(ctx, cfg, *seed)
	if err != nil {
		return err
	}
	where := cfg.data
	if cfg.store != "" {
		where = redactURL(cfg.store)
	}
	if sum.Commands > 0 {
		fmt.Fprintf(stdout, "seeded %d departments, %d calendars, %d agreements, %d hand-offs and %d recognitions (%d commands) in %s\n",
			sum.Departments, sum.Calendars, sum.Agreements, sum.Handoffs, sum.Recognitions, sum.Commands, where)
	} else {
		fmt.Fprintf(stdout, "reusing the demo data in %s\n", where)
	}
	tokens, err := writeDemoTokens(cfg.tokens)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, stdout, stderr, func(baseURL string) {
		fmt.Fprintf(stdout, "\ncadena demo is ready: %s/\n", baseURL)
		// The fragment never reaches the server; the page moves the token
		// into session storage and drops it from the address bar.
		fmt.Fprintf(stdout, "open the web page signed in as the Legal head: %s/#token=%s\n\n", baseURL, tokens[2])
		fmt.Fprintf(stdout, "  admin token:                   %s\n", tokens[0])
		fmt.Fprintf(stdout, "  member token (sales):          %s\n", tokens[1])
		fmt.Fprintf(stdout, "  head token (legal):            %s\n\n", tokens[2])
		fmt.Fprintf(stdout, "  try: curl -H 'Authorization: Bearer %s' '%s/api/v1/hotspots'\n", tokens[1], baseURL)
		if cfg.store != "" {
			fmt.Fprintf(stdout, "  store: %s (pass the same --store to reuse it); tokens file: %s\n\n", storeName(cfg), cfg.tokens)
		} else {
			fmt.Fprintf(stdout, "  data directory: %s (pass --data to reuse it); tokens file: %s\n\n", cfg.data, cfg.tokens)
		}
		if *tick > 0 {
			go demo.Live(ctx, baseURL, tokens[0], *tick, *seed)
		}
	})
}

// seedDemo fills an empty store with the demo organisation; a store that
// already holds events is left as it is. It opens the store as serve does
// (openBoltStore for --data, the --store URL's backend otherwise), so a
// directory in use, an empty or a damaged file, or a database that cannot
// be reached get the same one-line errors.
func seedDemo(ctx context.Context, cfg serveConfig, seed uint64) (demo.Summary, error) {
	var store eventstore.Store
	var err error
	if cfg.store != "" {
		store, err = openStore(ctx, cfg, slog.New(slog.DiscardHandler), nil)
	} else {
		store, err = openBoltStore(cfg.data, bolt.Options{InitEmpty: cfg.init})
	}
	if err != nil {
		return demo.Summary{}, err
	}
	defer store.Close()
	head, err := store.Head(ctx)
	if err != nil || head > 0 {
		return demo.Summary{}, err
	}
	return demo.Seed(ctx, api.New(store, api.Options{}), time.Now(), seed)
}

// writeDemoTokens writes a tokens file with fresh admin, member and head
// tokens and returns the tokens, in that order. Only their hashes are
// written; the tokens are printed once.
func writeDemoTokens(path string) ([]string, error) {
	specs := []struct {
		name, dept string
		role       api.Role
	}{
		{"demo-admin", "", api.RoleAdmin},
		{"sales-team", "sales", api.RoleMember},
		{"legal-head", "legal", api.RoleHead},
	}
	var file struct {
		Tokens []auth.Entry `json:"tokens"`
	}
	var tokens []string
	for _, s := range specs {
		token, entry, err := auth.NewEntry(s.name, s.role, s.dept)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, token)
		file.Tokens = append(file.Tokens, entry)
	}
	b, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return nil, fmt.Errorf("demo: writing the tokens file: %w", err)
	}
	return tokens, nil
}
