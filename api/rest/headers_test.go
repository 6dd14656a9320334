package rest_test

import (
	"testing"
)

func TestHeaders(t *testing.T) {
	h := newHarness(t)
	rec := h.do(req{method: "PUT", path: "/api/v1/departments/sales", token: tokAdmin, body: `{"name":"Sales"}`,
		header: map[string]string{"Content-Type": "application/json; charset=utf-8"}})
	if rec.Code != 201 {
		t.Fatalf("JSON with a charset: %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", rec.Header())
	}
	// A command without a body needs no content type.
	rec = h.do(req{method: "POST", path: "/api/v1/departments/sales/retire", token: tokAdmin})
	if rec.Code != 200 {
		t.Errorf("retire without a body: %d %s", rec.Code, rec.Body)
	}
	// Renaming answers 200, and the same name again changes nothing.
	h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"IT"}`}, 201)
	head := h.head()
	h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"IT"}`}, 200)
	if h.head() != head {
		t.Error("putting the same name appended")
	}
	got := h.json(req{method: "PUT", path: "/api/v1/departments/it", token: tokAdmin, body: `{"name":"Information technology"}`}, 200)
	if got["name"] != "Information technology" || got["position"] != float64(head+1) {
		t.Errorf("rename: %v", got)
	}
}
