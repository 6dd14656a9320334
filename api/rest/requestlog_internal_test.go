package rest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// textHandlerLine is the line slog.TextHandler writes for l at t.
func textHandlerLine(t testing.TB, l requestLine, at time.Time) string {
	var out bytes.Buffer
	h := slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})
	r := slog.NewRecord(at, l.level, "http request", 0)
	var buf [7]slog.Attr
	r.AddAttrs(l.attrs(&buf)...)
	require.NoError(t, h.Handle(context.Background(), r))
	return out.String()
}

func TestRequestLineIsTheTextHandlers(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	base := requestLine{level: slog.LevelInfo, route: "/api/v1/handoffs", method: "POST", status: 201,
		d: 1234567 * time.Nanosecond, id: "0123456789abcdef0123456789abcdef", actor: "sales"}
	for _, tc := range []struct {
		name string
		edit func(*requestLine)
		at   time.Time
	}{
		{"new hand-off", func(*requestLine) {}, time.Date(2026, 12, 1, 18, 14, 35, 123456789, time.UTC)},
		{"whole second", func(*requestLine) {}, time.Date(2026, 12, 1, 18, 14, 35, 0, time.UTC)},
		{"just under a millisecond", func(*requestLine) {}, time.Date(2026, 12, 1, 18, 14, 35, 999999, time.UTC)},
		{"another zone", func(*requestLine) {}, time.Date(2026, 7, 1, 8, 0, 0, 5e6, paris)},
		{"a 500", func(l *requestLine) { l.level, l.status = slog.LevelError, 500 }, time.Unix(1e9, 0).UTC()},
		// The stamp of the last millisecond is kept: later in the same
		// millisecond, the same one in another zone, and the next.
		{"later in the same millisecond", func(*requestLine) {}, time.Unix(1e9, 999999).UTC()},
		{"the same millisecond in another zone", func(*requestLine) {}, time.Unix(1e9, 999999).In(paris)},
		{"the next millisecond", func(*requestLine) {}, time.Unix(1e9, 1e6).In(paris)},
		{"before 1970", func(*requestLine) {}, time.Unix(-1, 500e6).UTC()},
		{"before 1970, the same millisecond", func(*requestLine) {}, time.Unix(-1, 500999999).UTC()},
		{"route template", func(l *requestLine) { l.route = "/api/v1/handoffs/:id/accept" }, time.Unix(1e9, 0).UTC()},
		{"unmatched", func(l *requestLine) { l.route, l.status = "unmatched", 404 }, time.Unix(1e9, 0).UTC()},
		{"long duration", func(l *requestLine) { l.d = 3*time.Minute + 7*time.Millisecond }, time.Unix(1e9, 0).UTC()},
		{"zero duration", func(l *requestLine) { l.d = 0 }, time.Unix(1e9, 0).UTC()},
		{"no actor", func(l *requestLine) { l.actor = "" }, time.Unix(1e9, 0).UTC()},
		{"backslash", func(l *requestLine) { l.id = `a\b` }, time.Unix(1e9, 0).UTC()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := base
			tc.edit(&l)
			got, ok := l.appendText(nil, tc.at)
			require.True(t, ok)
			assert.Equal(t, textHandlerLine(t, l, tc.at), string(got))
		})
	}
}

func TestRequestLineLeavesQuotedValuesToTheHandler(t *testing.T) {
	base := requestLine{level: slog.LevelInfo, route: "/healthz", method: "GET", status: 200, id: "x", actor: "a"}
	for name, edit := range map[string]func(*requestLine){
		"space":      func(l *requestLine) { l.actor = "head of it" },
		"equals":     func(l *requestLine) { l.id = "a=b" },
		"quote":      func(l *requestLine) { l.id = `a"b` },
		"non-ASCII":  func(l *requestLine) { l.actor = "café" },
		"control":    func(l *requestLine) { l.id = "a\tb" },
		"with error": func(l *requestLine) { l.err = errors.New("disk full") },
		"warn level": func(l *requestLine) { l.level = slog.LevelWarn },
	} {
		l := base
		edit(&l)
		got, ok := l.appendText([]byte("kept"), time.Now())
		assert.False(t, ok, name)
		assert.Equal(t, "kept", string(got), name)
	}
}

// FuzzRequestLine holds every line appendText writes equal to the
// TextHandler's.
func FuzzRequestLine(f *testing.F) {
	f.Add("/api/v1/handoffs", "POST", 201, int64(1234567), "0123456789abcdef", "sales", int64(1764612875123456789))
	f.Add("unmatched", "GET", 404, int64(0), `a\b`, "café", int64(0))
	f.Fuzz(func(t *testing.T, route, method string, status int, d int64, id, actor string, at int64) {
		l := requestLine{level: slog.LevelInfo, route: route, method: method, status: status, d: time.Duration(d), id: id, actor: actor}
		tm := time.Unix(0, at).UTC()
		if got, ok := l.appendText(nil, tm); ok {
			assert.Equal(t, textHandlerLine(t, l, tm), string(got))
		}
	})
}

// TestServerWritesRequestLinesToLogText: with LogText, a request's line
// reaches that writer, in the handler's format, and not the handler;
// Logger's level still decides.
func TestServerWritesRequestLinesToLogText(t *testing.T) {
	var handler, direct bytes.Buffer
	s := New(Config{Logger: slog.New(slog.NewTextHandler(&handler, nil)), LogText: &direct})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, handler.String())
	assert.Regexp(t, `^time=\S+ level=INFO msg="http request" route=/healthz method=GET status=200 duration=\S+ request_id=[0-9a-f]{32} actor=""`+"\n$", direct.String())

	handler.Reset()
	direct.Reset()
	quiet := New(Config{Logger: slog.New(slog.NewTextHandler(&handler, &slog.HandlerOptions{Level: slog.LevelWarn})), LogText: &direct})
	quiet.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Empty(t, handler.String())
	assert.Empty(t, direct.String())
}

// BenchmarkRequestLine compares a request's line written by hand with the
// same line through slog.TextHandler.
func BenchmarkRequestLine(b *testing.B) {
	l := requestLine{level: slog.LevelInfo, route: "/api/v1/handoffs", method: "POST", status: 201,
		d: 1234567 * time.Nanosecond, id: "0123456789abcdef0123456789abcdef", actor: "sales"}
	b.Run("by-hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bp := lineBuffers.Get().(*[]byte)
			out, _ := l.appendText((*bp)[:0], time.Now())
			_, _ = io.Discard.Write(out)
			*bp = out
			lineBuffers.Put(bp)
		}
	})
	b.Run("slog", func(b *testing.B) {
		b.ReportAllocs()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		ctx := context.Background()
		for b.Loop() {
			var buf [7]slog.Attr
			log.LogAttrs(ctx, l.level, "http request", l.attrs(&buf)...)
		}
	})
}
