package rest

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// batchBody is the body of POST /api/v1/batch.
type batchBody struct {
	Commands []batchCommandJSON `json:"commands"`
}

// decodeBatch decodes a batch body read whole, as decodeJSON does (the same
// values, the same problems), in one pass over the JSON and with one
// allocation per command besides its strings: a body is up to 10,000
// commands, which decodeJSON takes about twice as long to decode. A body
// it does not take as it expects (a problem to report, a member name
// written with escapes, a null member) goes to decodeJSON, which answers
// for it.
func decodeBatch(data []byte) (batchBody, error) {
	if body, ok := decodeBatchFast(bytes.TrimSpace(data)); ok {
		return body, nil
	}
	var body batchBody
	err := decodeJSON(data, &body)
	return body, err
}

// batchValues backs the members of one command decoded by decodeBatchFast.
type batchValues struct {
	s     [slotStrings]string
	score int
}

// batchMemberSlot numbers the members of a batch command for
// decodeBatchCommand: slotCommand and the string members below it, then
// the others.
var batchMemberSlot = map[string]int{
	`"command"`: slotCommand, `"idempotency_key"`: 1, `"id"`: 2, `"name"`: 3, `"supplier"`: 4,
	`"customer"`: 5, `"kind"`: 6, `"title"`: 7, `"details"`: 8, `"calendar"`: 9, `"occurred_at"`: 10,
	`"reason"`: 11, `"note"`: 12, `"comment"`: 13,
	`"resolve_within"`: slotResolve, `"respond_within"`: slotRespond, `"score"`: slotScore,
}

const (
	slotCommand = 0
	slotStrings = 14 // slots below it are strings
	slotResolve = 14
	slotRespond = 15
	slotScore   = 16
)

// stringMember returns where the string member of a slot goes.
func (b *batchCommandJSON) stringMember(slot int) **string {
	switch slot {
	case 1:
		return &b.IdempotencyKey
	case 2:
		return &b.ID
	case 3:
		return &b.Name
	case 4:
		return &b.Supplier
	case 5:
		return &b.Customer
	case 6:
		return &b.Kind
	case 7:
		return &b.Title
	case 8:
		return &b.Details
	case 9:
		return &b.Calendar
	case 10:
		return &b.OccurredAt
	case 11:
		return &b.Reason
	case 12:
		return &b.Note
	}
	return &b.Comment
}

// decodeBatchFast is decodeBatch's one pass; ok is false for a body it
// leaves to decodeJSON.
func decodeBatchFast(data []byte) (body batchBody, ok bool) {
	if len(data) == 0 || data[0] != '{' {
		return body, false
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return body, false
	}
	seen := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil || string(name) != `"commands"` || seen {
			return body, false
		}
		seen = true
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
			return body, false
		}
		// As many as the body names, at most one more than a batch
		// holds (the handler refuses more): appending would copy them.
		n := bytes.Count(data, []byte(`"command"`))
		body.Commands = make([]batchCommandJSON, 0, min(n, MaxBatchCommands+1))
		for dec.PeekKind() != ']' {
			var b batchCommandJSON
			if !decodeBatchCommand(dec, &b) {
				return body, false
			}
			body.Commands = append(body.Commands, b)
		}
		if _, err := dec.ReadToken(); err != nil {
			return body, false
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return body, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return body, false // trailing data, or a syntax error in it
	}
	return body, true
}

// decodeBatchCommand decodes one command object into b; it reports false
// for anything decodeJSON must answer for.
func decodeBatchCommand(dec *jsontext.Decoder, b *batchCommandJSON) bool {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	v := new(batchValues)
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return false
		}
		slot, known := batchMemberSlot[string(name)]
		if !known {
			return false
		}
		val, err := dec.ReadValue() // name is not valid after it
		if err != nil {
			return false
		}
		switch kind := val.Kind(); {
		case slot < slotStrings:
			s, ok := jsonString(val)
			if !ok {
				return false
			}
			if slot == slotCommand {
				b.Command = s
				continue
			}
			v.s[slot] = s
			*b.stringMember(slot) = &v.s[slot]
		case slot == slotResolve || slot == slotRespond:
			if kind != '"' && kind != '0' {
				return false
			}
			raw := json.RawMessage(bytes.Clone(val))
			if slot == slotResolve {
				b.ResolveWithin = raw
			} else {
				b.RespondWithin = raw
			}
		default: // slotScore
			if kind != '0' {
				return false
			}
			score, err := strconv.Atoi(string(val))
			if err != nil {
				return false // a fraction, an exponent, out of range: decodeJSON says which
			}
			v.score, b.Score = score, &v.score
		}
	}
	_, err := dec.ReadToken()
	return err == nil
}

// jsonString returns the string a JSON string value holds; ok is false for
// another kind of value.
func jsonString(val jsontext.Value) (string, bool) {
	if val.Kind() != '"' {
		return "", false
	}
	raw := val[1 : len(val)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	s, err := jsontext.AppendUnquote(nil, val)
	return string(s), err == nil
}
