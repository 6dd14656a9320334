package demo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/cmd/cadena/internal/demo"
	"github.com/cadena-project/cadena/domain"
)

// posted is one command the live trickle sent.
type posted struct {
	state domain.State // the state the hand-off was listed in
	route string
	body  map[string]any
}

// TestLiveMovesHandoffsOnByTheTable runs the trickle against a fake API that
// lists one hand-off in whatever state is asked for, and checks each
// command it sends: the one that moves that state on, at its route, with
// only the body members its row of the lifecycle table lists.
func TestLiveMovesHandoffsOnByTheTable(t *testing.T) {
	const want = 40
	commands := make(chan posted, want)
	var mu sync.Mutex
	var requests, recognised int
	servedWell := []string{"it/finance", "security/it", "logistics/customer-support", "facilities/hr"}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer tok", r.Header.Get("Authorization"))
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/v1/handoffs":
			json.NewEncoder(w).Encode(map[string]any{"handoffs": []any{map[string]string{"id": "in-" + r.URL.Query().Get("state")}}})
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/handoffs":
			mu.Lock()
			requests++
			mu.Unlock()
			w.WriteHeader(http.StatusCreated)
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v1/pairs/"):
			var body map[string]string
			assert.NoError(t, json.NewDecoder(r.Body).Decode(&body), "a recognition sends a JSON body")
			assert.NotEmpty(t, body["message"])
			pair := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/pairs/"), "/recognitions")
			assert.Contains(t, servedWell, pair, "recognitions thank suppliers that serve well")
			mu.Lock()
			recognised++
			mu.Unlock()
			w.WriteHeader(http.StatusCreated)
		case r.Method == http.MethodPost:
			id, route, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/api/v1/handoffs/"), "/")
			if !assert.True(t, ok, r.URL.Path) {
				return
			}
			var body map[string]any
			assert.NoError(t, json.NewDecoder(r.Body).Decode(&body), "%s sends a JSON body", route)
			select {
			case commands <- posted{state: domain.State(strings.TrimPrefix(id, "in-")), route: route, body: body}:
			default:
			}
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	}))
	defer api.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		demo.Live(ctx, api.URL, "tok", time.Millisecond, 1)
	}()
	var got []posted
	for len(got) < want {
		got = append(got, <-commands)
	}
	cancel()
	<-done

	moves := map[domain.State]string{
		domain.StateRequested: "accept", domain.StateAccepted: "deliver", domain.StatePaused: "resume",
		domain.StateReturned: "accept", domain.StateDelivered: "rating",
	}
	routes := map[string]domain.CommandSpec{}
	for _, c := range domain.Commands() {
		routes[c.RouteName()] = c
	}
	for _, p := range got {
		require.Contains(t, moves, p.state, "only states that can move on are listed")
		assert.Equal(t, moves[p.state], p.route, "the command that moves %s on", p.state)
		spec := routes[p.route]
		for member := range p.body {
			assert.True(t, spec.Takes(domain.Field(member)), "%s takes %s", p.route, member)
		}
		if p.route == "rating" {
			assert.Contains(t, []any{3.0, 4.0, 5.0}, p.body["score"], "live ratings are 3 to 5")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Positive(t, requests, "new hand-offs are requested too")
	assert.Positive(t, recognised, "suppliers are thanked too")
}
