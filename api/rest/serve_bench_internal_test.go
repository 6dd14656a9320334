package rest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/api/auth"
	"github.com/cadena-project/cadena/domain"
)

// answeringService answers every hand-off command with one fixed result:
// the benchmark below measures the HTTP layer alone. Its other methods
// are the nil interface's (never called there).
type answeringService struct {
	Service
	res api.HandoffResult
}

func (f answeringService) RequestHandoff(context.Context, api.Actor, api.Meta, domain.RequestHandoff) (api.HandoffResult, error) {
	return f.res, nil
}

func (f answeringService) Execute(context.Context, api.Actor, api.Meta, string, domain.HandoffCommand) (api.HandoffResult, error) {
	return f.res, nil
}

// reusedWriter is an http.ResponseWriter reused by every request of the
// benchmark, its header map emptied between them (net/http makes a fresh
// one a request, which is not the HTTP layer's allocation).
type reusedWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *reusedWriter) Header() http.Header { return w.h }

func (w *reusedWriter) WriteHeader(status int) { w.status = status }

func (w *reusedWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// closing is a request body that closes as a no-op.
type closing struct{ *bytes.Reader }

func (closing) Close() error { return nil }

// BenchmarkServeHandoffCommand is the HTTP layer's share of a durable
// request: the route, the middleware (token, rate limit, request ID, log
// line, metrics hook), the body and the answer of POST /api/v1/handoffs
// and of a lifecycle command, with the application layer answering a fixed
// result. Its allocs/op are the HTTP layer's own.
func BenchmarkServeHandoffCommand(b *testing.B) {
	const token = "cdn_bench-sales"
	toks, err := auth.New([]auth.Entry{{Name: "sales-team", SHA256: auth.Hash(token), Role: api.RoleMember, Department: "sales"}})
	require.NoError(b, err)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h := domain.Handoff{ID: "0193a1b2-0000-7000-8000-000000000001", Supplier: "it", Customer: "sales", Kind: "laptop",
		Title: "a laptop for the new hire", State: domain.State("requested"), RequestedAt: at, Version: 1, LastAt: at}
	res := api.HandoffResult{Handoff: h, Created: true, Position: 12345}
	lines := slog.NewTextHandler(io.Discard, nil)
	s := New(Config{Service: answeringService{res: res}, Tokens: toks, Logger: slog.New(lines), LogText: io.Discard,
		Observe: func(string, string, int, time.Duration) {}, RateLimit: 1e9, RateBurst: 1 << 30,
		Now: func() time.Time { return at.Add(time.Minute) }})
	handler := s.Handler()
	for _, c := range []struct{ name, path, body string }{
		{"new-handoff", "/api/v1/handoffs", `{"id":"0193a1b2-0000-7000-8000-000000000001","supplier":"it","customer":"sales","kind":"laptop","title":"a laptop for the new hire"}`},
		{"lifecycle", "/api/v1/handoffs/0193a1b2-0000-7000-8000-000000000001/accept", `{}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			raw := []byte(c.body)
			body := bytes.NewReader(raw)
			r, err := http.NewRequest(http.MethodPost, c.path, body)
			require.NoError(b, err)
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			r.Body = closing{body} // made once: io.NopCloser's value is an allocation a call
			w := &reusedWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(raw)
				clear(w.h)
				handler.ServeHTTP(w, r)
			}
			require.Less(b, w.status, 300, "the answer's status")
		})
	}
}
