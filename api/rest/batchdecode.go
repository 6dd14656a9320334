package rest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// batchBody is the body of POST /api/v1/batch.
type batchBody struct {
	Commands []batchCommandJSON `json:"commands"`
}

// decodeBatch decodes a batch body read whole, as decodeJSON does (the same
// values, the same problems), in one pass over the JSON without a
// tokenizer, and with two allocations per command besides the slice (and
// one per string written with escapes): a body is up to 10,000 commands,
// which decodeJSON takes several times as long to decode. A body it does
// not take as it expects (a problem to report, a member name written with
// escapes, a null member) goes to decodeJSON, which answers for it.
func decodeBatch(data []byte) (batchBody, error) {
	if body, ok := decodeBatchFast(data); ok {
		return body, nil
	}
	var body batchBody
	err := decodeJSON(data, &body)
	return body, err
}

// batchValues backs the members of one command decoded by decodeBatchFast:
// its strings and its score, by their index in batchFields.
type batchValues struct {
	s     [len(batchFields)]string
	score int
}

// slotCommand is the slot of "command" in decodeBatchCommand; the others
// are the indexes of batchFields.
const slotCommand = len(batchFields)

// batchSlots numbers the members of a batch command for decodeBatchCommand.
var batchSlots = func() map[string]int {
	m := map[string]int{"command": slotCommand}
	for i, f := range batchFields {
		m[f.name] = i
	}
	return m
}()

// decodeBatchFast is decodeBatch's one pass; ok is false for a body it
// leaves to decodeJSON.
func decodeBatchFast(data []byte) (body batchBody, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return body, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '"' {
		name, next, ok := plainString(data, i)
		if !ok || string(name) != "commands" {
			return body, false
		}
		if i = skipSpace(data, next); i >= len(data) || data[i] != ':' {
			return body, false
		}
		if i = skipSpace(data, i+1); i >= len(data) || data[i] != '[' {
			return body, false
		}
		// Room for as many as the body may hold (each is an object),
		// at most one more than a batch holds (the handler refuses
		// more): appending would copy them.
		n := bytes.Count(data[i:], []byte{'{'})
		body.Commands = make([]batchCommandJSON, 0, min(n, MaxBatchCommands+1))
		if i = skipSpace(data, i+1); i < len(data) && data[i] == ']' {
			i++
		} else {
			for {
				body.Commands = append(body.Commands, batchCommandJSON{})
				if i, ok = decodeBatchCommand(data, i, &body.Commands[len(body.Commands)-1]); !ok {
					return body, false
				}
				if i = skipSpace(data, i); i >= len(data) {
					return body, false
				}
				if data[i] == ']' {
					i++
					break
				}
				if data[i] != ',' {
					return body, false
				}
				i = skipSpace(data, i+1)
			}
		}
		i = skipSpace(data, i)
	}
	if i >= len(data) || data[i] != '}' {
		return body, false // another member, or none: decodeJSON says which
	}
	return body, skipSpace(data, i+1) == len(data) // else trailing data
}

// decodeBatchCommand decodes the command object at data[i:] into b and
// returns the index after it; it reports false for anything decodeJSON
// must answer for. The command's strings share one allocation, a copy of
// the object's bytes, unless written with escapes.
func decodeBatchCommand(data []byte, i int, b *batchCommandJSON) (int, bool) {
	if i >= len(data) || data[i] != '{' {
		return 0, false
	}
	type span struct{ from, to int } // of a value in data
	var (
		vals    [slotCommand + 1]span
		escaped uint32 // string slots written with escapes
		seen    uint32
	)
	start := i
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	for {
		name, next, ok := plainString(data, i)
		if !ok {
			return 0, false
		}
		slot, known := batchSlots[string(name)]
		if !known || seen&(1<<slot) != 0 {
			return 0, false // unknown or given twice: decodeJSON says which
		}
		seen |= 1 << slot
		if i = skipSpace(data, next); i >= len(data) || data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		from := i
		var f *batchField
		if slot != slotCommand {
			f = &batchFields[slot]
		}
		switch {
		case f == nil || f.str != nil:
			end, esc, ok := scanString(data, i)
			if !ok {
				return 0, false
			}
			if esc {
				escaped |= 1 << slot
			}
			i = end
		case f.num != nil:
			if i = scanInteger(data, i); i < 0 {
				return 0, false
			}
		case i < len(data) && data[i] == '"': // a duration as a string
			end, esc, ok := scanString(data, i)
			if !ok {
				return 0, false
			}
			if esc { // kept raw: check its escapes here
				if _, err := jsontext.AppendUnquote(nil, data[i:end]); err != nil {
					return 0, false
				}
			}
			i = end
		default: // a duration as a number of seconds
			if i = scanNumber(data, i); i < 0 {
				return 0, false
			}
		}
		vals[slot] = span{from, i}
		if i = skipSpace(data, i); i >= len(data) {
			return 0, false
		}
		if data[i] == '}' {
			i++
			break
		}
		if data[i] != ',' {
			return 0, false
		}
		i = skipSpace(data, i+1)
	}
	obj := string(data[start:i]) // the strings below are slices of it
	str := func(slot int) (string, bool) {
		v := vals[slot]
		if escaped&(1<<slot) == 0 {
			return obj[v.from-start+1 : v.to-start-1], true
		}
		s, err := jsontext.AppendUnquote(nil, data[v.from:v.to])
		return string(s), err == nil
	}
	if seen&(1<<slotCommand) != 0 {
		s, ok := str(slotCommand)
		if !ok {
			return 0, false
		}
		b.Command = s
	}
	var v *batchValues
	for slot := range batchFields {
		if seen&(1<<slot) == 0 {
			continue
		}
		f := &batchFields[slot]
		if v == nil && f.raw == nil {
			v = new(batchValues)
		}
		switch raw := data[vals[slot].from:vals[slot].to]; {
		case f.str != nil:
			s, ok := str(slot)
			if !ok {
				return 0, false
			}
			v.s[slot] = s
			*f.str(b) = &v.s[slot]
		case f.raw != nil:
			*f.raw(b) = json.RawMessage(raw)
		default:
			score, err := strconv.Atoi(string(raw))
			if err != nil {
				return 0, false // out of range: decodeJSON says so
			}
			v.score = score
			*f.num(b) = &v.score
		}
	}
	return i, true
}

// scanString returns the index after the JSON string at data[i:] and
// whether it holds escapes (which jsontext.AppendUnquote then checks); ok
// is false for another value, a control character or invalid UTF-8.
func scanString(data []byte, i int) (end int, escaped, ok bool) {
	if i >= len(data) || data[i] != '"' {
		return 0, false, false
	}
	ascii := true
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			if !ascii && !utf8.Valid(data[i+1:j]) {
				return 0, false, false
			}
			return j + 1, escaped, true
		case c == '\\':
			escaped = true
			j++ // the character escaped; AppendUnquote checks the escape
		case c < 0x20:
			return 0, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return 0, false, false
}

// scanInteger returns the index after the JSON integer (no fraction, no
// exponent) at data[i:], or -1.
func scanInteger(data []byte, i int) int {
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data) || data[i] < '0' || data[i] > '9':
		return -1
	case data[i] == '0':
		return i + 1
	}
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// scanNumber returns the index after the JSON number at data[i:], or -1.
func scanNumber(data []byte, i int) int {
	if i = scanInteger(data, i); i < 0 {
		return -1
	}
	digits := func(i int) int {
		j := i
		for j < len(data) && '0' <= data[j] && data[j] <= '9' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
	if i < len(data) && data[i] == '.' {
		if i = digits(i + 1); i < 0 {
			return -1
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		return digits(i)
	}
	return i
}
