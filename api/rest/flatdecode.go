package rest

import (
	"bytes"
	"strconv"
)

// flatMember is a member of a body that decodeFlat may decode: its name
// and where its value goes, exactly one of str, optStr and optInt.
type flatMember struct {
	name   string
	str    *string
	optStr **string
	optInt **int
}

// maxFlatMembers bounds the members of a body decodeFlat decodes.
const maxFlatMembers = 8

// decodeFlat decodes data into members when data is one JSON object whose
// members are among members, each at most once, with values that are
// strings of printable ASCII without escapes (for str and optStr) or
// integers of at most nine digits (for optInt); it reports false, having
// set nothing, for anything else (null included), which the general
// decoder then decodes or refuses. What it sets is what decodeJSON sets for
// the same body (FuzzDecodeFlat holds them equal).
func decodeFlat(data []byte, members []flatMember) bool {
	if len(members) > maxFlatMembers {
		return false
	}
	type value struct {
		m          int
		start, end int // a string's contents, data[start:end]
		n          int
	}
	var (
		vals [maxFlatMembers]value
		nv   int
		seen uint
	)
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			name, next, ok := plainString(data, i)
			if !ok {
				return false
			}
			m := -1
			for k := range members {
				if members[k].name == string(name) {
					m = k
					break
				}
			}
			if m < 0 || seen&(1<<m) != 0 {
				return false // unknown or given twice: the general decoder says which
			}
			seen |= 1 << m
			i = skipSpace(data, next)
			if i >= len(data) || data[i] != ':' {
				return false
			}
			i = skipSpace(data, i+1)
			v := value{m: m}
			if members[m].optInt != nil {
				j := scanInteger(data, i)
				if j < 0 {
					return false
				}
				if digits := bytes.TrimPrefix(data[i:j], []byte("-")); len(digits) > 9 {
					return false
				}
				n, err := strconv.Atoi(string(data[i:j]))
				if err != nil {
					return false
				}
				v.n, i = n, j
			} else {
				s, next, ok := plainString(data, i)
				if !ok {
					return false
				}
				v.end = next - 1 // before the closing quote
				v.start, i = v.end-len(s), next
			}
			vals[nv] = v
			nv++
			i = skipSpace(data, i)
			if i >= len(data) {
				return false
			}
			if data[i] == '}' {
				i++
				break
			}
			if data[i] != ',' {
				return false
			}
			i = skipSpace(data, i+1)
		}
	}
	if skipSpace(data, i) != len(data) {
		return false // trailing data
	}
	// The strings are substrings of one copy of the body's span that holds
	// them, and the optional values live in one slice of each kind: a few
	// allocations a body instead of one a member.
	lo, hi, nstr, nint := len(data), 0, 0, 0
	for _, v := range vals[:nv] {
		if members[v.m].optInt != nil {
			nint++
			continue
		}
		lo, hi = min(lo, v.start), max(hi, v.end)
		if members[v.m].optStr != nil {
			nstr++
		}
	}
	var text string
	if lo < hi {
		text = string(data[lo:hi])
	}
	var strs []string
	var ints []int
	if nstr > 0 {
		strs = make([]string, 0, nstr)
	}
	if nint > 0 {
		ints = make([]int, 0, nint)
	}
	for _, v := range vals[:nv] {
		var str string
		if v.end > v.start {
			str = text[v.start-lo : v.end-lo]
		}
		switch m := members[v.m]; {
		case m.str != nil:
			*m.str = str
		case m.optStr != nil:
			strs = append(strs, str)
			*m.optStr = &strs[len(strs)-1]
		default:
			ints = append(ints, v.n)
			*m.optInt = &ints[len(ints)-1]
		}
	}
	return true
}

// plainString returns the contents of the JSON string at data[i:] and the
// index after it, when it is printable ASCII without escapes.
func plainString(data []byte, i int) ([]byte, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return data[i+1 : j], j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}
