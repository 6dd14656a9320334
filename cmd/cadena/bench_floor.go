package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
)

// The floor rows of the http section measure, with the ingest row's load
// generator, requests and connections, a server that does nothing but
// what every HTTP request costs: what cadena's CPU per request cannot go
// below on the same machine. Nothing is stored.

// floorAnswer is what the floor servers answer: a hand-off as
// POST /api/v1/handoffs answers one of the ingest row's requests (539
// bytes with the final newline of Echo's JSON, as measured).
const floorAnswer = `{"id":"bench-12-3456","supplier":"bench-dept-00","customer":"bench-dept-01","kind":"bench-request",` +
	`"title":"Bench hand-off 3456 of connection 12","state":"requested",` +
	`"agreement":{"version":1,"resolve_within_s":259200,"respond_within_s":14400},` +
	`"requested_at":"2026-12-01T23:35:57.297524248Z","deliveries":0,"returns":0,"escalations":0,"supplier_owned_s":0.001,` +
	`"due_at":"2026-12-04T23:35:57.297524248Z","respond_due_at":"2026-12-02T03:35:57.297524248Z","clock_running":true,` +
	`"as_of":"2026-12-01T23:35:57.298122435Z","version":1,"position":4}` + "\n"

// floorServers are the bare servers of the floor rows, in the order they
// run: the value of "cadena bench --floor-server" and the row's name.
var floorServers = []struct{ kind, name string }{
	{"net/http", "floor: bare net/http"},
	{"echo", "floor: bare Echo route"},
}

// floorNote is the note of every floor row.
const floorNote = "nothing is stored: the handler reads the body and answers 201 with a fixed 539-byte hand-off"

// floorHandler returns the handler of the floor server kind: POST
// /api/v1/handoffs reads the body and answers 201 with floorAnswer.
func floorHandler(kind string) (http.Handler, error) {
	answer := []byte(floorAnswer)
	switch kind {
	case "net/http":
		mux := http.NewServeMux()
		mux.HandleFunc("POST /api/v1/handoffs", func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			w.Write(answer)
		})
		return mux, nil
	case "echo":
		e := echo.New()
		e.POST("/api/v1/handoffs", func(c echo.Context) error {
			if _, err := io.Copy(io.Discard, c.Request().Body); err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, err.Error())
			}
			return c.Blob(http.StatusCreated, echo.MIMEApplicationJSON, answer)
		})
		return e, nil
	}
	return nil, fmt.Errorf("bench: --floor-server must be net/http or echo, not %q", kind)
}

// runFloorServer serves the floor server kind on a free port of 127.0.0.1
// until ctx ends, with the timeouts and collector percentage "cadena
// serve" has by default, and logs the "listening" line that
// startBenchProcess waits for.
func runFloorServer(ctx context.Context, kind string, stderr io.Writer) error {
	h, err := floorHandler(kind)
	if err != nil {
		return err
	}
	debug.SetGCPercent(defaultGCPercent)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	guards{readTimeout: defaultReadTimeout, writeTimeout: defaultWriteTimeout, idleTimeout: defaultIdleTimeout}.apply(srv)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	slog.New(slog.NewTextHandler(stderr, nil)).Info("listening", "url", "http://"+ln.Addr().String(), "floor", kind)
	select {
	case err = <-done:
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("bench: floor server: %w", err)
	}
	return nil
}

// benchFloor runs the floor rows: each bare server as a child process
// (so that its CPU time is its own, as the ingest row's server), driven
// by benchIngest's requests over pairs.
func benchFloor(ctx context.Context, cfg benchConfig, pairs [][2]string) ([]benchRow, error) {
	// A token of the same length as the ingest row's, so that the
	// requests are the same bytes; the floor servers do not read it.
	token, _, err := auth.NewEntry("bench", api.RoleAdmin, "")
	if err != nil {
		return nil, err
	}
	var rows []benchRow
	for _, f := range floorServers {
		s, err := startBenchProcess(ctx, token, "bench", "--floor-server", f.kind)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		row, _ := benchIngest(ctx, s, cfg, pairs, "floor", f.name)
		if row.Note == "" {
			row.Note = floorNote
		} else {
			row.Note = floorNote + "; " + row.Note
		}
		rows = append(rows, row)
		if err := s.stop(); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return rows, nil
}
