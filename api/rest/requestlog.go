package rest

import (
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// requestLine is what the log line of one request says.
type requestLine struct {
	level         slog.Level
	route, method string
	status        int
	d             time.Duration
	id, actor     string
	err           error // the cause of a 500; nil for most lines
}

// attrs returns the line's attributes, in buf (on the caller's stack).
func (l *requestLine) attrs(buf *[7]slog.Attr) []slog.Attr {
	attrs := append(buf[:0], slog.String("route", l.route), slog.String("method", l.method),
		slog.Int("status", l.status), slog.Duration("duration", l.d),
		slog.String("request_id", l.id), slog.String("actor", l.actor))
	if l.err != nil {
		attrs = append(attrs, slog.Any("error", l.err))
	}
	return attrs
}

// appendText appends the line as slog.TextHandler (no options but the
// level) writes it at t, the same bytes for less work. It reports false,
// with b unchanged, for a line it leaves to the handler: one with an error,
// or with a value that the text format quotes (anything but printable
// ASCII without spaces, '=' and '"'), except the empty string.
func (l *requestLine) appendText(b []byte, t time.Time) ([]byte, bool) {
	if l.err != nil || !plainText(l.route) || !plainText(l.method) || !plainText(l.id) || !plainText(l.actor) {
		return b, false
	}
	var level string
	switch l.level {
	case slog.LevelInfo:
		level = "INFO"
	case slog.LevelError:
		level = "ERROR"
	default:
		return b, false
	}
	b = append(b, "time="...)
	b = appendStamp(b, t)
	b = append(b, " level="...)
	b = append(b, level...)
	b = append(b, ` msg="http request" route=`...)
	b = appendPlain(b, l.route)
	b = append(b, " method="...)
	b = appendPlain(b, l.method)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, " duration="...)
	b = append(b, l.d.String()...)
	b = append(b, " request_id="...)
	b = appendPlain(b, l.id)
	b = append(b, " actor="...)
	b = appendPlain(b, l.actor)
	return append(b, '\n'), true
}

// stamp is the text of one millisecond in one location, as the text
// handler writes a line's time.
type stamp struct {
	ms   int64 // Unix milliseconds
	loc  *time.Location
	text string
}

// lastStamp is the last millisecond a request line was stamped with: under
// load many lines share it, and formatting a time is a third of a line.
var lastStamp atomic.Pointer[stamp]

// appendStamp appends t as the text handler does (RFC 3339, milliseconds
// truncated), from lastStamp when t falls in its millisecond and location.
func appendStamp(b []byte, t time.Time) []byte {
	ms, loc := t.UnixMilli(), t.Location()
	if s := lastStamp.Load(); s != nil && s.ms == ms && s.loc == loc {
		return append(b, s.text...)
	}
	start := len(b)
	b = t.Truncate(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	lastStamp.Store(&stamp{ms: ms, loc: loc, text: string(b[start:])})
	return b
}

// plainText reports whether the text format writes s as appendPlain
// does, with no look at Unicode needed to know it: s is empty (written
// "") or printable ASCII other than space, '=' and '"' (written as is).
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '=' || c == '"' {
			return false
		}
	}
	return true
}

func appendPlain(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...) // the unauthenticated routes' actor
	}
	return append(b, s...)
}

// lineBuffers holds the buffers request lines are written in.
var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}
