package rest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestIdempotencyKeyRetries(t *testing.T) {
	h := newHarness(t)
	h.seed()
	key := map[string]string{"Idempotency-Key": "order-42 try"}
	create := req{method: "POST", path: "/api/v1/handoffs", token: tokSales, header: key,
		body: map[string]any{"supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}}

	first := h.do(create)
	if first.Code != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	head := h.head()
	again := h.do(create)
	if again.Code != first.Code || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
		t.Errorf("retry answered %d %s\nfirst %d %s", again.Code, again.Body, first.Code, first.Body)
	}
	for _, hdr := range []string{"Location", "Cadena-Position"} {
		if again.Header().Get(hdr) != first.Header().Get(hdr) {
			t.Errorf("%s: retry %q, first %q", hdr, again.Header().Get(hdr), first.Header().Get(hdr))
		}
	}
	if h.head() != head {
		t.Errorf("the retry appended %d events", h.head()-head)
	}

	// A command retried with its key, after something else happened.
	loc := first.Header().Get("Location")
	accept := req{method: "POST", path: loc + "/accept", token: tokIT, header: map[string]string{"Idempotency-Key": "acc-1"}}
	a1 := h.do(accept)
	h.json(req{method: "POST", path: loc + "/escalate", token: tokSales}, 200)
	head = h.head()
	a2 := h.do(accept)
	if a1.Code != 200 || a2.Code != 200 || !bytes.Equal(a1.Body.Bytes(), a2.Body.Bytes()) {
		t.Errorf("accept retry: %d %s\nfirst %d %s", a2.Code, a2.Body, a1.Code, a1.Body)
	}
	if h.head() != head {
		t.Error("the accept retry appended")
	}

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
	if first.Code != 201 {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	head := h.head()
	again := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body})
	if again.Code != 200 || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
		t.Errorf("same id, same body: %d %s", again.Code, again.Body)
	}
	body["title"] = "Two laptops"
	checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales, body: body}), 409)
	// A bystander learns nothing of a hand-off under a taken id.
	body["title"] = "New laptop"
	checkProblem(t, h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokLegal, body: body}), 403)
	if h.head() != head {
		t.Errorf("re-requests appended %d events", h.head()-head)
	}
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
			if code != 200 && code != 409 {
				t.Errorf("%s: %d answers with status %d", cmd, n, code)
			}
		}
		ok += byCode[200]
	}
	if codes["accept"][200] != 1 {
		t.Errorf("%d accepts succeeded, want exactly 1", codes["accept"][200])
	}
	if got := h.head() - head; got != uint64(ok) {
		t.Errorf("%d commands succeeded but %d events were appended", ok, got)
	}
	view := h.json(req{method: "GET", path: "/api/v1/handoffs/race", token: tokAdmin}, 200)
	if view["escalations"] != float64(codes["escalate"][200]) || view["state"] != "accepted" {
		t.Errorf("escalations %v state %v, want %d accepted", view["escalations"], view["state"], codes["escalate"][200])
	}
}

func TestReadYourWrites(t *testing.T) {
	h := newHarness(t)
	h.seed()
	rec := h.do(req{method: "POST", path: "/api/v1/handoffs", token: tokSales,
		body: map[string]any{"id": "fresh", "supplier": "it", "customer": "sales", "kind": "laptop", "title": "New laptop"}})
	pos := rec.Header().Get("Cadena-Position")
	if rec.Code != 201 || pos != strconv.FormatUint(h.head(), 10) {
		t.Fatalf("POST: %d position %q, head %d", rec.Code, pos, h.head())
	}
	list := h.json(req{method: "GET", path: "/api/v1/handoffs?min_position=" + pos, token: tokIT}, 200)
	if hs, _ := list["handoffs"].([]any); len(hs) != 1 || hs[0].(map[string]any)["id"] != "fresh" {
		t.Errorf("the list does not show the hand-off just requested: %v", list)
	}
	if got := h.progress.waits(); len(got) != 1 || strconv.FormatUint(got[0], 10) != pos {
		t.Errorf("waited for %v, want [%s]", got, pos)
	}
	// Projections held back: the read waits, then answers 503.
	h.progress.held.Store(true)
	next := h.json(req{method: "POST", path: "/api/v1/handoffs/fresh/accept", token: tokIT}, 200)["position"].(float64)
	p := checkProblem(t, h.do(req{method: "GET", path: fmt.Sprintf("/api/v1/handoffs?min_position=%d", int(next)+1), token: tokSales}), 503)
	if p.Field != "min_position" || !strings.Contains(p.Detail, fmt.Sprintf("position %d", int(next)+1)) {
		t.Errorf("problem %+v", p)
	}
	// Without min_position a read does not wait.
	h.json(req{method: "GET", path: "/api/v1/agreements", token: tokSales}, 200)
}
