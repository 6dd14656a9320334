package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
	"github.com/cadena-project/cadena/eventstore/esdb"
	"github.com/cadena-project/cadena/eventstore/postgres"
)

// storeKind is one backend that --store can name, recognised by the
// scheme of its URL.
type storeKind struct {
	name    string
	schemes []string
	open    func(ctx context.Context, url string, logger *slog.Logger, commits *metrics.Commits) (eventstore.Store, error)
}

// storeKinds lists the backends --store accepts; the embedded store is
// --data instead.
var storeKinds = []storeKind{
	{name: "esdb", schemes: []string{"esdb://", "esdb+discover://", "kurrentdb://"},
		open: func(ctx context.Context, url string, logger *slog.Logger, _ *metrics.Commits) (eventstore.Store, error) {
			return esdb.Open(ctx, url, esdb.Options{Logger: logger.With("component", "esdb")})
		}},
	{name: "postgres", schemes: []string{"postgres://", "postgresql://"},
		open: func(ctx context.Context, url string, logger *slog.Logger, commits *metrics.Commits) (eventstore.Store, error) {
			return postgres.Open(ctx, url, postgres.Options{
				Logger:   logger.With("component", "postgres"),
				OnCommit: func(s postgres.CommitStats) { commits.Observe(s.Events, s.Duration) },
			})
		}},
}

func lookupStoreKind(url string) (storeKind, bool) {
	for _, k := range storeKinds {
		for _, s := range k.schemes {
			if strings.HasPrefix(url, s) {
				return k, true
			}
		}
	}
	return storeKind{}, false
}

// knownStore says whether --store names a backend storeKinds has.
func knownStore(url string) bool {
	_, ok := lookupStoreKind(url)
	return ok
}

// storeSchemes lists every scheme --store takes, for messages: "a
// connection string starting with " + storeSchemes().
func storeSchemes() string {
	var s []string
	for _, k := range storeKinds {
		s = append(s, k.schemes...)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// openStore opens the store that cfg names: a --store URL, or the embedded
// bolt file in --data.
func openStore(ctx context.Context, cfg serveConfig, logger *slog.Logger, commits *metrics.Commits) (eventstore.Store, error) {
	if cfg.store != "" {
		kind, ok := lookupStoreKind(cfg.store)
		if !ok {
			return nil, fmt.Errorf("--store %q: want a connection string starting with %s", redactURL(cfg.store), storeSchemes())
		}
		return kind.open(ctx, cfg.store, logger, commits)
	}
	s, err := openBoltStore(cfg.data, bolt.Options{
		InitEmpty: cfg.init,
		RecentIDs: serverRecentIDs,
		IDsFlush:  serverIDsFlush,
		OnCommit:  func(s bolt.CommitStats) { commits.Observe(s.Events, s.Duration) },
	})
	if err != nil {
		return nil, err // not a nil *bolt.Store in a non-nil interface
	}
	return s, nil
}

// redactURL returns u with its password, if any, replaced by "xxxxx", or
// only its scheme when it does not parse: for messages about a URL. A
// password is the user information's, or the value of a query parameter
// libpq reads one from (password, sslpassword: PostgreSQL takes both).
func redactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		scheme, _, _ := strings.Cut(u, ":")
		return scheme + "://..."
	}
	params := strings.Split(parsed.RawQuery, "&")
	for i, p := range params {
		key, _, _ := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(key); err != nil || strings.EqualFold(name, "password") || strings.EqualFold(name, "sslpassword") {
			params[i] = key + "=xxxxx"
		}
	}
	parsed.RawQuery = strings.Join(params, "&")
	return parsed.Redacted()
}

// storeName says which store cfg names, for the log; never a password.
func storeName(cfg serveConfig) string {
	if cfg.store != "" {
		if kind, ok := lookupStoreKind(cfg.store); ok {
			return kind.name
		}
		return "unknown"
	}
	return "bolt:" + filepath.Join(cfg.data, "cadena.db")
}

// storeReady returns the store's reachability check, or nil when the store
// cannot tell (an embedded file is always reachable while open).
func storeReady(s eventstore.Store) func(context.Context) error {
	if r, ok := s.(interface{ Ready(context.Context) error }); ok {
		return r.Ready
	}
	return nil
}

// The ID index settings of a server's embedded store. An import through the
// server (POST /api/v1/batch) appends idempotent commands, whose event IDs
// are random: writing them to the on-disk ID index 1,024 at a time (the
// store's default) rewrote a page of the index per ID, a cost that grew
// with the file (the 1M-event import cost 16 times the CPU of the 100k
// one). Keeping more in memory and writing 65,536 at a time rewrites a few
// pages per hundred IDs.
const (
	// serverRecentIDs is how many event IDs the store keeps in memory
	// (bolt.Options.RecentIDs, about 70 bytes each: 18 MiB).
	serverRecentIDs = 1 << 18
	// serverIDsFlush is how many of them one commit writes to the index
	// (bolt.Options.IDsFlush).
	serverIDsFlush = 1 << 16
)
