package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cadena-project/cadena/domain/jsonw"
)

// A fast path for encoding the events a log is made of (departments, and
// the hand-off events, nearly all of it): written by hand into exactly the
// bytes encoding/json writes for them, without reflection. The bytes are
// stored, and an idempotent retry is recognised by comparing them, so they
// never differ from encoding/json's (fastencode_test holds them equal); a
// time encoding/json refuses (a year outside 0-9999) declines (false) and
// Encode takes encoding/json, which reports it.

func fastEncode(e Event) ([]byte, bool) {
	return appendFast(make([]byte, 0, 160), e)
}

// AppendEncoded appends the JSON of e, as Encode returns it, to b, and
// returns e's type name (EventType) with it: for an encoder that cuts the
// payloads of many events from one block. On error b is returned as it
// was.
func AppendEncoded(b []byte, e Event) ([]byte, string, error) {
	t, ok := lookup(e)
	if !ok {
		return b, "", fmt.Errorf("encoding %T: not an event type", e)
	}
	if out, ok := appendFast(b, e); ok {
		return out, t.name, nil
	}
	j, err := json.Marshal(e)
	if err != nil {
		return b, "", fmt.Errorf("encoding %s: %w", t.name, err)
	}
	return append(b, j...), t.name, nil
}

// appendFast appends e's JSON to b; false (and b as it was) for an event
// it does not encode.
func appendFast(b []byte, e Event) ([]byte, bool) {
	n0 := len(b)
	ok := true
	switch e := e.(type) {
	case HandoffRequested:
		b = append(b, `{"handoff_id":`...)
		b = jsonw.AppendString(b, e.HandoffID)
		b = append(b, `,"supplier":`...)
		b = jsonw.AppendString(b, e.Supplier)
		b = append(b, `,"customer":`...)
		b = jsonw.AppendString(b, e.Customer)
		b = append(b, `,"kind":`...)
		b = jsonw.AppendString(b, e.Kind)
		b = append(b, `,"title":`...)
		b = jsonw.AppendString(b, e.Title)
		if e.Details != "" {
			b = append(b, `,"details":`...)
			b = jsonw.AppendString(b, e.Details)
		}
		b = append(b, `,"agreement":`...)
		if a := e.Agreement; a == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, `{"version":`...)
			b = strconv.AppendUint(b, a.Version, 10)
			if a.Kind != "" {
				b = append(b, `,"kind":`...)
				b = jsonw.AppendString(b, a.Kind)
			}
			b = append(b, `,"resolve_within_s":`...)
			b = strconv.AppendInt(b, a.ResolveWithinS, 10)
			if a.RespondWithinS != 0 {
				b = append(b, `,"respond_within_s":`...)
				b = strconv.AppendInt(b, a.RespondWithinS, 10)
			}
			if a.Calendar != "" {
				b = append(b, `,"calendar":`...)
				b = jsonw.AppendString(b, a.Calendar)
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
		b = jsonw.AppendString(b, e.HandoffID)
		b = append(b, `,"delivery":`...)
		b = strconv.AppendInt(b, int64(e.Delivery), 10)
		if e.Note != "" {
			b = append(b, `,"note":`...)
			b = jsonw.AppendString(b, e.Note)
		}
		b, ok = appendAt(b, e.At)
	case HandoffRated:
		b = append(b, `{"handoff_id":`...)
		b = jsonw.AppendString(b, e.HandoffID)
		b = append(b, `,"delivery":`...)
		b = strconv.AppendInt(b, int64(e.Delivery), 10)
		b = append(b, `,"score":`...)
		b = strconv.AppendInt(b, int64(e.Score), 10)
		if e.Comment != "" {
			b = append(b, `,"comment":`...)
			b = jsonw.AppendString(b, e.Comment)
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
		b = jsonw.AppendString(b, e.DepartmentID)
		b = append(b, `,"name":`...)
		b = jsonw.AppendString(b, e.Name)
		b, ok = appendAt(b, e.At)
	default:
		return b, false
	}
	if !ok {
		return b[:n0], false
	}
	return b, true
}

func appendHandoffOnly(b []byte, id string, at time.Time) ([]byte, bool) {
	b = append(b, `{"handoff_id":`...)
	b = jsonw.AppendString(b, id)
	return appendAt(b, at)
}

func appendReason(b []byte, id, reason string, omitEmpty bool, at time.Time) ([]byte, bool) {
	b = append(b, `{"handoff_id":`...)
	b = jsonw.AppendString(b, id)
	if reason != "" || !omitEmpty {
		b = append(b, `,"reason":`...)
		b = jsonw.AppendString(b, reason)
	}
	return appendAt(b, at)
}

// appendAt ends an event with its occurred_at member and the closing brace.
func appendAt(b []byte, at time.Time) ([]byte, bool) {
	b = append(b, `,"occurred_at":`...)
	b, ok := jsonw.AppendTime(b, at)
	return append(b, '}'), ok
}
