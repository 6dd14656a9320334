package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cadena-project/cadena/eventstore"
)

// pingPostgres connects to the server at url once, within 15 s.
func pingPostgres(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	return pool.Ping(ctx)
}

// benchPostgres measures the baseline the HTTP ingest row compares with: a
// plain PostgreSQL event table (a global position, a unique stream and
// version, a unique event ID, JSONB data and metadata) written by pgx from
// cfg.connections writers, one event per transaction, each writer with a
// stream of its own, for cfg.duration. The table lives in a temporary
// schema, dropped afterwards.
func benchPostgres(ctx context.Context, cfg benchConfig) (benchRow, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.postgres)
	if err != nil {
		return benchRow{}, fmt.Errorf("--postgres: %w", err)
	}
	pcfg.MaxConns = int32(cfg.connections)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return benchRow{}, fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	schema := "cadena_bench_" + eventstore.NewID()[:8]
	table := schema + ".events"
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return benchRow{}, fmt.Errorf("postgres: creating schema %s: %w", schema, err)
	}
	defer pool.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
	if _, err := pool.Exec(ctx, `CREATE TABLE `+table+` (
		position bigserial PRIMARY KEY,
		id uuid NOT NULL UNIQUE,
		stream text NOT NULL,
		version bigint NOT NULL,
		type text NOT NULL,
		data jsonb NOT NULL,
		metadata jsonb NOT NULL,
		recorded_at timestamptz NOT NULL DEFAULT now(),
		UNIQUE (stream, version))`); err != nil {
		return benchRow{}, fmt.Errorf("postgres: creating %s: %w", table, err)
	}

	insert := "INSERT INTO " + table + " (id, stream, version, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)"
	meta := []byte(`{"actor":"bench","role":"admin"}`)
	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	streams := make([]string, cfg.connections)
	for w := range streams {
		streams[w] = fmt.Sprintf("handoff-bench-%d", w)
	}
	elapsed, all, err := timedWriters(runCtx, cfg.connections, func(w, v int) func(context.Context) error {
		stream := streams[w]
		data := fmt.Sprintf(`{"handoff_id":"bench-%d-%d","supplier":"bench-dept-01","customer":"bench-dept-02","kind":"bench-request",`+
			`"title":"Bench hand-off %d of connection %d","agreement":null,"occurred_at":%q}`, w, v, v, w, time.Now().UTC().Format(time.RFC3339Nano))
		id := eventstore.NewID()
		return func(ctx context.Context) error {
			_, err := pool.Exec(ctx, insert, id, stream, v, "handoff.requested.v2", data, meta)
			return err
		}
	})
	if err != nil {
		return benchRow{}, fmt.Errorf("postgres: inserting: %w", err)
	}
	return benchRow{Section: "postgres", Name: fmt.Sprintf("plain event table written by pgx, %d writers", cfg.connections), Unit: "events",
		Ops: len(all), Seconds: elapsed.Seconds(), PerSecond: float64(len(all)) / elapsed.Seconds(),
		P50Ms: ms(quantile(all, 0.5)), P99Ms: ms(quantile(all, 0.99)), Note: "one INSERT per transaction; the baseline of the ingest row"}, nil
}
