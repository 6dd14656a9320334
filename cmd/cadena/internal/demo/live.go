package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Live records a trickle of activity through the HTTP API at baseURL, one
// command every interval, until ctx ends: new requests in the demo's pairs
// (each counting in its agreement's calendar), open hand-offs moving on
// (accepted, delivered, rated), and now and then a recognition. It drives the
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

// forward lists the commands the trickle moves hand-offs on with, in order
// of preference: in each state it issues the first that the lifecycle table
// allows from it.
var forward = []string{domain.Accept, domain.Resume, domain.Deliver, domain.Rate}

// next returns the command that moves a hand-off in state s on.
func next(s domain.State) (domain.CommandSpec, bool) {
	for _, name := range forward {
		if spec, ok := domain.LookupCommand(name); ok && spec.AllowedFrom(s) {
			return spec, true
		}
	}
	return domain.CommandSpec{}, false
}

// moving lists the states a hand-off can be moved on from.
func moving() []domain.State {
	var out []domain.State
	for _, s := range domain.States {
		if _, ok := next(s); ok {
			out = append(out, s)
		}
	}
	return out
}

// thanks are the messages of the trickle's recognitions.
var thanks = []string{
	"Thanks for the quick turnaround today.",
	"Spot on, and ahead of the deadline: thank you.",
	"Exactly what we needed, first time.",
}

func (l *live) step(ctx context.Context, n int) {
	if n%10 == 9 {
		// Now and then a customer thanks a supplier that serves it well.
		var good []profile
		for _, p := range pairs {
			if p.mood >= 4 {
				good = append(good, p)
			}
		}
		p := good[l.rng.IntN(len(good))]
		body, _ := json.Marshal(map[string]string{"message": thanks[l.rng.IntN(len(thanks))]})
		l.post(ctx, "/api/v1/pairs/"+p.supplier+"/"+p.customer+"/recognitions", body)
		return
	}
	if n%3 == 0 {
		p := pairs[l.rng.IntN(len(pairs))]
		title := fmt.Sprintf(p.titles[l.rng.IntN(len(p.titles))], subjects[l.rng.IntN(len(subjects))])
		body, _ := json.Marshal(map[string]string{"supplier": p.supplier, "customer": p.customer, "kind": p.kind, "title": title})
		l.post(ctx, "/api/v1/handoffs", body)
		return
	}
	states := moving()
	state := states[l.rng.IntN(len(states))]
	var page struct {
		Handoffs []struct {
			ID string `json:"id"`
		} `json:"handoffs"`
	}
	if !l.get(ctx, "/api/v1/handoffs?limit=20&state="+string(state), &page) || len(page.Handoffs) == 0 {
		return
	}
	h := page.Handoffs[l.rng.IntN(len(page.Handoffs))]
	spec, _ := next(state)
	fields := map[domain.Field]any{}
	for _, f := range spec.Fields {
		switch f {
		case domain.FieldNote:
			fields[f] = "done"
		case domain.FieldScore:
			fields[f] = 3 + l.rng.IntN(3)
		}
	}
	body, _ := json.Marshal(fields)
	l.post(ctx, "/api/v1/handoffs/"+h.ID+"/"+spec.RouteName(), body)
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
