package rest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdempotencyKeyRetries(t *testing.T) {
	h := newHarness(t)
	h.seed()
	key := map[string]string{"Idempotency-Key": "order-42 try"}
	create := req{method: "POST", path: "/api/v1/handoffs", token: tokSales, header: key,
		body: map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}}

	first := h.do(create)
	require.Equal(t, http.StatusCreated, first.Code, "first: %s", first.Body)
	head := h.head()
	again := h.do(create)
	assert.Equal(t, first.Code, again.Code, "retry")
	assert.Equal(t, first.Body.String(), again.Body.String(), "retry")
	for _, hdr := range []string{"Location", "Cadena-Position"} {
		assert.Equal(t, first.Header().Get(hdr), again.Header().Get(hdr), "%s: retry against first", hdr)
	}
	assert.Equal(t, head, h.head(), "the retry appended")

	// A command retried with its key, after something else happened.
	loc := first.Header().Get("Location")
	accept := req{method: "POST", path: loc + "/accept", token: tokIT, header: map[string]string{"Idempotency-Key": "acc-1"}}
	a1 := h.do(accept)
	h.json(req{method: "POST", path: loc + "/escalate", token: tokSales}, 200)
	head = h.head()
	a2 := h.do(accept)
	assert.Equal(t, 200, a1.Code, "first accept: %s", a1.Body)
	assert.Equal(t, 200, a2.Code, "accept retry: %s", a2.Body)
	assert.Equal(t, a1.Body.String(), a2.Body.String(), "accept retry")
	assert.Equal(t, head, h.head(), "the accept retry appended")

	// The same key from the same caller for another hand-off is a conflict.
	other := h.request("other")
	h.json(req{method: "POST", path: "/api/v1/handoffs/" + other["id"].(string) + "/accept", token: tokIT,
		header: map[string]string{"Idempotency-Key": "acc-1"}}, 409)
}

func TestClientChosenID(t *testing.T) {
	h := newHarness(t)
	h.seed()
	body := map[string]any{"id": "PO-2026-0001", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}
	first := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body})
	require.Equal(t, 201, first.Code, "first: %s", first.Body)
	head := h.head()
	again := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body})
	assert.Equal(t, 200, again.Code, "same id, same body: %s", again.Body)
	assert.Equal(t, first.Body.String(), again.Body.String(), "same id, same body")
	body["title"] = "Two laptops"
	checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body}), 409)
	// A bystander learns nothing of a hand-off under a taken id.
	body["title"] = "New laptop"
	checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokLegal, body: body}), 403)
	assert.Equal(t, head, h.head(), "re-requests appended")
}

// TestConcurrentCommands races accepts and escalations on one hand-off:
// each gets 200 or 409, and every 200 is one event in the log.
func TestConcurrentCommands(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.request("race")
	head := h.head()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[string]map[int]int{"accept": {}, "escalate": {}}
	)
	for i := 0; i < 8; i++ {
		cmd, tok := "accept", tokIT
		if i%2 == 1 {
			cmd, tok = "escalate", tokSales
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := h.do(req{method: "POST", path: "/api/v1/handoffs/race/" + cmd, token: tok})
			mu.Lock()
			codes[cmd][rec.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	ok := 0
	for cmd, byCode := range codes {
		for code, n := range byCode {
			assert.Contains(t, []int{200, 409}, code, "%s: %d answers with status %d", cmd, n, code)
		}
		ok += byCode[200]
	}
	assert.Equal(t, 1, codes["accept"][200], "accepts that succeeded")
	assert.Equal(t, uint64(ok), h.head()-head, "events appended, against commands that succeeded")
	view := h.json(req{method: "GET", path: "/api/v1/handoffs/race", token: tokAdmin}, 200)
	assert.Equal(t, float64(codes["escalate"][200]), view["escalations"], "escalations")
	assert.Equal(t, "accepted", view["state"])
}

func TestReadYourWrites(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: map[string]any{"id": "fresh", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}})
	pos := rec.Header().Get("Cadena-Position")
	require.Equal(t, 201, rec.Code, "POST: %s", rec.Body)
	head := h.head()
	require.Equal(t, strconv.FormatUint(head, 10), pos, "POST: Cadena-Position, against the head")
	list := h.json(req{method: "GET", path: "/api/v1/handoffs?min_position=" + pos, token: tokIT}, 200)
	hs, _ := list["handoffs"].([]any)
	if assert.Len(t, hs, 1, "the list does not show the hand-off just requested: %v", list) {
		assert.Equal(t, "fresh", hs[0].(map[string]any)["id"], "the list does not show the hand-off just requested: %v", list)
	}
	assert.Equal(t, []uint64{head}, h.progress.waits(), "the positions the read waited for")
	// Projections held back: the read waits, then answers 503.
	h.progress.held.Store(true)
	next := h.json(req{method: "POST", path: "/api/v1/handoffs/fresh/accept", token: tokIT}, 200)["position"].(float64)
	p := checkProblem(t, h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/handoffs?min_position=%d", int(next)+1), token: tokSales}), 503)
	assert.Equal(t, "min_position", p.Field, "problem %+v", p)
	assert.Contains(t, p.Detail, fmt.Sprintf("position %d", int(next)+1), "problem %+v", p)
	// Without min_position a read does not wait.
	h.json(req{method: "GET", path: "/api/v1/agreements", token: tokSales}, 200)
}
