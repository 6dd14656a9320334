package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// Live records a trickle of activity through the HTTP API at baseURL, one
// command every interval, until ctx ends: new requests in the demo's pairs,
// and open hand-offs moving on (accepted, delivered, rated). It drives the
// real API, so dashboards and metrics move as they would in production.
// Failures are ignored: the next tick tries something else.
func Live(ctx context.Context, baseURL, token string, every time.Duration, seed uint64) {
	l := &live{base: baseURL, token: token, rng: rand.New(rand.NewPCG(seed, uint64(time.Now().UnixNano()))),
		client: &http.Client{Timeout: 10 * time.Second}}
	t := time.NewTicker(every)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.step(ctx, n)
	}
}

type live struct {
	base, token string
	rng         *rand.Rand
	client      *http.Client
}

// next maps a state to the command that moves a hand-off on.
var next = map[string]struct{ action, body string }{
	"requested": {"accept", `{}`},
	"accepted":  {"deliver", `{"note":"done"}`},
	"paused":    {"resume", `{}`},
	"returned":  {"deliver", `{"note":"reworked"}`},
	"delivered": {"rating", `{"score":%d}`},
}

func (l *live) step(ctx context.Context, n int) {
	if n%3 == 0 {
		p := pairs[l.rng.IntN(len(pairs))]
		title := fmt.Sprintf(p.titles[l.rng.IntN(len(p.titles))], subjects[l.rng.IntN(len(subjects))])
		body, _ := json.Marshal(map[string]string{"supplier": p.supplier, "customer": p.customer, "kind": p.kind, "title": title})
		l.post(ctx, "/api/v1/handoffs", body)
		return
	}
	states := []string{"requested", "accepted", "paused", "returned", "delivered"}
	state := states[l.rng.IntN(len(states))]
	var page struct {
		Handoffs []struct {
			ID string `json:"id"`
		} `json:"handoffs"`
	}
	if !l.get(ctx, "/api/v1/handoffs?limit=20&state="+state, &page) || len(page.Handoffs) == 0 {
		return
	}
	h := page.Handoffs[l.rng.IntN(len(page.Handoffs))]
	cmd := next[state]
	body := cmd.body
	if cmd.action == "rating" {
		body = fmt.Sprintf(body, 3+l.rng.IntN(3))
	}
	l.post(ctx, "/api/v1/handoffs/"+h.ID+"/"+cmd.action, []byte(body))
}

func (l *live) get(ctx context.Context, path string, out any) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	resp, err := l.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(out) == nil
}

func (l *live) post(ctx context.Context, path string, body []byte) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.base+path, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("demo-live-%016x", l.rng.Uint64()))
	if resp, err := l.client.Do(req); err == nil {
		resp.Body.Close()
	}
}
