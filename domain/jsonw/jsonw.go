// Package jsonw appends JSON values to byte slices exactly as encoding/json
// writes them, without reflection: for the few hot answers and hashes the
// API writes by hand. Each function says what it refuses; the caller then
// falls back to encoding/json, which reports the same value as an error.
package jsonw

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendString writes s as encoding/json does: HTML characters, U+2028
// and U+2029 escaped, invalid UTF-8 as U+FFFD.
func AppendString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if plain[b] {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '\\', '"':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// plain tells the ASCII bytes AppendString writes as they are: one load
// per byte in its loop rather than six comparisons.
var plain = func() (t [utf8.RuneSelf]bool) {
	for b := byte(0x20); b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// AppendTime writes t as time.Time.MarshalJSON does; it reports false for
// a time MarshalJSON refuses (a year outside 0 to 9999, a zone offset of
// 24 hours or more), and then buf is returned as it was.
func AppendTime(buf []byte, t time.Time) ([]byte, bool) {
	n0 := len(buf)
	b := append(buf, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	num2 := func(b []byte) byte { return 10*(b[0]-'0') + (b[1] - '0') }
	switch {
	case b[n0+1+len("9999")] != '-': // the year is not four digits
		return buf[:n0], false
	case b[len(b)-1] != 'Z':
		if c := b[len(b)-len("Z07:00")]; '0' <= c && c <= '9' || num2(b[len(b)-len("07:00"):]) >= 24 {
			return buf[:n0], false
		}
	}
	return append(b, '"'), true
}

// AppendFloat writes f as encoding/json writes a float64; it reports
// false for NaN and the infinities, which encoding/json refuses.
func AppendFloat(buf []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9, as encoding/json does.
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf, true
}

// AppendBool writes true or false.
func AppendBool(buf []byte, v bool) []byte {
	if v {
		return append(buf, "true"...)
	}
	return append(buf, "false"...)
}
