package domain

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// A fast path for decoding the hand-off events, which are nearly all of a
// log: a scanner for the JSON that Encode writes (keys exactly as tagged,
// strings without escapes, integers, RFC 3339 times). It declines (false)
// anything else, from an escaped string or a key in other case to invalid
// JSON, and Decode then takes encoding/json: so whatever it returns is what
// encoding/json returns for the same input, only faster (no reflection,
// no validation pass, one allocation per string).

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// byte consumes c, after white space.
func (s *scanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// raw returns the bytes of a string between its quotes, with no escape,
// control character or invalid UTF-8 in it.
func (s *scanner) raw() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start, ascii := s.i, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			return v, ascii || utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return nil, false
}

func (s *scanner) str(dst *string) bool {
	v, ok := s.raw()
	if ok {
		*dst = string(v)
	}
	return ok
}

// int reads an integer literal: no fraction, exponent or leading zero.
func (s *scanner) int(dst *int64) bool {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	n := s.i - digits
	if n == 0 || n > 1 && s.b[digits] == '0' || s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return false
	}
	v, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	*dst = v
	return err == nil
}

func (s *scanner) intField(dst *int) bool {
	var v int64
	ok := s.int(&v)
	*dst = int(v)
	return ok
}

func (s *scanner) time(dst *time.Time) bool {
	s.ws()
	start := s.i
	if _, ok := s.raw(); !ok {
		return false
	}
	return dst.UnmarshalJSON(s.b[start:s.i]) == nil
}

// null consumes the literal null.
func (s *scanner) null() bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// object walks an object: field is called with each key, which it must
// know, and reads the value. A key seen twice declines (encoding/json
// would merge a repeated object into the first).
func (s *scanner) object(field func(s *scanner, key []byte) (bit uint32, ok bool)) bool {
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return true
	}
	var seen uint32
	for {
		key, ok := s.raw()
		if !ok || !s.byte(':') {
			return false
		}
		bit, ok := field(s, key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		if s.byte('}') {
			return true
		}
		if !s.byte(',') {
			return false
		}
	}
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// handoffField reads the fields every hand-off event has.
func handoffField(s *scanner, key []byte, id *string, at *time.Time) (uint32, bool) {
	switch string(key) {
	case "handoff_id":
		return 1, s.str(id)
	case "occurred_at":
		return 2, s.time(at)
	}
	return 0, false
}

func fastAgreement(s *scanner, dst **AgreementTerms) bool {
	if s.null() {
		*dst = nil
		return true
	}
	a := &AgreementTerms{}
	*dst = a
	return s.object(func(s *scanner, key []byte) (uint32, bool) {
		switch string(key) {
		case "version":
			var v int64
			ok := s.int(&v) && v >= 0
			a.Version = uint64(v)
			return 1, ok
		case "kind":
			return 2, s.str(&a.Kind)
		case "resolve_within_s":
			return 4, s.int(&a.ResolveWithinS)
		case "respond_within_s":
			return 8, s.int(&a.RespondWithinS)
		case "calendar":
			return 16, s.str(&a.Calendar)
		}
		return 0, false
	})
}

func fastRequested(b []byte) (Event, bool) {
	var e HandoffRequested
	s := scanner{b: b}
	ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
		switch string(key) {
		case "supplier":
			return 4, s.str(&e.Supplier)
		case "customer":
			return 8, s.str(&e.Customer)
		case "kind":
			return 16, s.str(&e.Kind)
		case "title":
			return 32, s.str(&e.Title)
		case "agreement":
			return 64, fastAgreement(s, &e.Agreement)
		}
		return handoffField(s, key, &e.HandoffID, &e.At)
	})
	return e, ok && s.end()
}

func fastAccepted(b []byte) (Event, bool) {
	var e HandoffAccepted
	s := scanner{b: b}
	ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
		return handoffField(s, key, &e.HandoffID, &e.At)
	})
	return e, ok && s.end()
}

func fastResumed(b []byte) (Event, bool) {
	var e HandoffResumed
	s := scanner{b: b}
	ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
		return handoffField(s, key, &e.HandoffID, &e.At)
	})
	return e, ok && s.end()
}

// fastReason decodes the events made of an ID, a reason and a time.
func fastReason[T any](mk func(id, reason string, at time.Time) T) func([]byte) (Event, bool) {
	return func(b []byte) (Event, bool) {
		var id, reason string
		var at time.Time
		s := scanner{b: b}
		ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
			if string(key) == "reason" {
				return 4, s.str(&reason)
			}
			return handoffField(s, key, &id, &at)
		})
		return mk(id, reason, at), ok && s.end()
	}
}

func fastDelivered(b []byte) (Event, bool) {
	var e HandoffDelivered
	s := scanner{b: b}
	ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
		switch string(key) {
		case "delivery":
			return 4, s.intField(&e.Delivery)
		case "note":
			return 8, s.str(&e.Note)
		}
		return handoffField(s, key, &e.HandoffID, &e.At)
	})
	return e, ok && s.end()
}

func fastRated(b []byte) (Event, bool) {
	var e HandoffRated
	s := scanner{b: b}
	ok := s.object(func(s *scanner, key []byte) (uint32, bool) {
		switch string(key) {
		case "delivery":
			return 4, s.intField(&e.Delivery)
		case "score":
			return 8, s.intField(&e.Score)
		case "comment":
			return 16, s.str(&e.Comment)
		}
		return handoffField(s, key, &e.HandoffID, &e.At)
	})
	return e, ok && s.end()
}

// fastDecoders are the fast paths, by event type.
var fastDecoders = map[string]func([]byte) (Event, bool){
	TypeHandoffRequested: fastRequested,
	TypeHandoffAccepted:  fastAccepted,
	TypeHandoffResumed:   fastResumed,
	TypeHandoffPaused: fastReason(func(id, r string, at time.Time) HandoffPaused {
		return HandoffPaused{HandoffID: id, Reason: r, At: at}
	}),
	TypeHandoffReturned: fastReason(func(id, r string, at time.Time) HandoffReturned {
		return HandoffReturned{HandoffID: id, Reason: r, At: at}
	}),
	TypeHandoffEscalated: fastReason(func(id, r string, at time.Time) HandoffEscalated {
		return HandoffEscalated{HandoffID: id, Reason: r, At: at}
	}),
	TypeHandoffCancelled: fastReason(func(id, r string, at time.Time) HandoffCancelled {
		return HandoffCancelled{HandoffID: id, Reason: r, At: at}
	}),
	TypeHandoffDelivered: fastDelivered,
	TypeHandoffRated:     fastRated,
}
