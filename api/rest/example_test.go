package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/eventstore/memory"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/catalog"
	"github.com/cadena-project/cadena/projections/handoffindex"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// The API wired to an in-memory store: register a department, then read
// the department list, waiting for the position the write reached.
func Example() {
	store := memory.New(memory.Options{})
	pairs, cat, index := pairstats.New(pairstats.Options{}), catalog.New(), handoffindex.New()
	runner := projections.NewRunner(store, nil, pairs, cat, index)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go runner.Run(ctx)

	token, entry, err := auth.NewEntry("ops", api.RoleAdmin, "")
	if err != nil {
		panic(err)
	}
	tokens, err := auth.New([]auth.Entry{entry})
	if err != nil {
		panic(err)
	}
	srv := rest.New(rest.Config{
		Service: api.New(store, api.Options{}),
		Figures: pairs, Catalog: cat, Handoffs: index, Progress: runner,
		Tokens: tokens, Logger: slog.New(slog.DiscardHandler),
	})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	call := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		return resp
	}

	resp := call("PUT", "/api/v1/departments/sales", `{"name": "Sales"}`)
	resp.Body.Close()
	pos := resp.Header.Get("Cadena-Position")
	fmt.Println(resp.StatusCode, pos)

	resp = call("GET", "/api/v1/departments?min_position="+pos, "")
	defer resp.Body.Close()
	var list struct{ Departments []struct{ ID, Name string } }
	json.NewDecoder(resp.Body).Decode(&list)
	fmt.Println(resp.StatusCode, list.Departments)
	// Output:
	// 201 1
	// 200 [{sales Sales}]
}
