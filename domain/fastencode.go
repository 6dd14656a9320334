package domain

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// A fast path for encoding the events a log is made of (departments, and
// the hand-off events, nearly all of it): written by hand into exactly the
// bytes encoding/json writes for them, without reflection. The bytes are
// stored, and an idempotent retry is recognised by comparing them, so they
// never differ from encoding/json's (fastencode_test holds them equal); a
// time encoding/json refuses (a year outside 0-9999) declines (false) and
// Encode takes encoding/json, which reports it.

func fastEncode(e Event) ([]byte, bool) {
	b := make([]byte, 0, 160)
	ok := true
	switch e := e.(type) {
	case HandoffRequested:
		b = append(b, `{"handoff_id":`...)
		b = AppendJSONString(b, e.HandoffID)
		b = append(b, `,"supplier":`...)
		b = AppendJSONString(b, e.Supplier)
		b = append(b, `,"customer":`...)
		b = AppendJSONString(b, e.Customer)
		b = append(b, `,"kind":`...)
		b = AppendJSONString(b, e.Kind)
		b = append(b, `,"title":`...)
		b = AppendJSONString(b, e.Title)
		if e.Details != "" {
			b = append(b, `,"details":`...)
			b = AppendJSONString(b, e.Details)
		}
		b = append(b, `,"agreement":`...)
		if a := e.Agreement; a == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, `{"version":`...)
			b = strconv.AppendUint(b, a.Version, 10)
			if a.Kind != "" {
				b = append(b, `,"kind":`...)
				b = AppendJSONString(b, a.Kind)
			}
			b = append(b, `,"resolve_within_s":`...)
			b = strconv.AppendInt(b, a.ResolveWithinS, 10)
			if a.RespondWithinS != 0 {
				b = append(b, `,"respond_within_s":`...)
				b = strconv.AppendInt(b, a.RespondWithinS, 10)
			}
			if a.Calendar != "" {
				b = append(b, `,"calendar":`...)
				b = AppendJSONString(b, a.Calendar)
			}
			b = append(b, '}')
		}
		b, ok = appendAt(b, e.At)
	case HandoffAccepted:
		b, ok = appendHandoffOnly(b, e.HandoffID, e.At)
	case HandoffResumed:
		b, ok = appendHandoffOnly(b, e.HandoffID, e.At)
	case HandoffDelivered:
		b = append(b, `{"handoff_id":`...)
		b = AppendJSONString(b, e.HandoffID)
		b = append(b, `,"delivery":`...)
		b = strconv.AppendInt(b, int64(e.Delivery), 10)
		if e.Note != "" {
			b = append(b, `,"note":`...)
			b = AppendJSONString(b, e.Note)
		}
		b, ok = appendAt(b, e.At)
	case HandoffRated:
		b = append(b, `{"handoff_id":`...)
		b = AppendJSONString(b, e.HandoffID)
		b = append(b, `,"delivery":`...)
		b = strconv.AppendInt(b, int64(e.Delivery), 10)
		b = append(b, `,"score":`...)
		b = strconv.AppendInt(b, int64(e.Score), 10)
		if e.Comment != "" {
			b = append(b, `,"comment":`...)
			b = AppendJSONString(b, e.Comment)
		}
		b, ok = appendAt(b, e.At)
	case HandoffReturned:
		b, ok = appendReason(b, e.HandoffID, e.Reason, false, e.At)
	case HandoffPaused:
		b, ok = appendReason(b, e.HandoffID, e.Reason, false, e.At)
	case HandoffEscalated:
		b, ok = appendReason(b, e.HandoffID, e.Reason, true, e.At)
	case HandoffCancelled:
		b, ok = appendReason(b, e.HandoffID, e.Reason, true, e.At)
	case DepartmentRegistered:
		b = append(b, `{"department_id":`...)
		b = AppendJSONString(b, e.DepartmentID)
		b = append(b, `,"name":`...)
		b = AppendJSONString(b, e.Name)
		b, ok = appendAt(b, e.At)
	default:
		return nil, false
	}
	return b, ok
}

func appendHandoffOnly(b []byte, id string, at time.Time) ([]byte, bool) {
	b = append(b, `{"handoff_id":`...)
	b = AppendJSONString(b, id)
	return appendAt(b, at)
}

func appendReason(b []byte, id, reason string, omitEmpty bool, at time.Time) ([]byte, bool) {
	b = append(b, `{"handoff_id":`...)
	b = AppendJSONString(b, id)
	if reason != "" || !omitEmpty {
		b = append(b, `,"reason":`...)
		b = AppendJSONString(b, reason)
	}
	return appendAt(b, at)
}

// appendAt ends an event with its occurred_at member and the closing brace.
func appendAt(b []byte, at time.Time) ([]byte, bool) {
	b = append(b, `,"occurred_at":`...)
	b, ok := AppendJSONTime(b, at)
	return append(b, '}'), ok
}

// AppendJSONTime appends t as time.Time.MarshalJSON writes it (RFC 3339
// with nanoseconds, quoted); it reports false, for a year outside 0-9999,
// where MarshalJSON returns an error.
func AppendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

// AppendJSONString appends s quoted as encoding/json.Marshal writes it:
// HTML characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
