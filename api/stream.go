package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// Store is what the service needs of an event store.
type Store interface {
	Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error)
	ReadStream(ctx context.Context, stream string, after uint64) iter.Seq2[eventstore.RecordedEvent, error]
}

// Meta travels with a command into the metadata of its events.
type Meta struct {
	// IdempotencyKey makes a retried command answer as the first one did.
	IdempotencyKey string
	// CorrelationID ties the events to the request that caused them.
	CorrelationID string

	// requestHash fingerprints the command a key was first used for.
	requestHash string
	// firstID is idempotentID(actor, IdempotencyKey, 0), once computed.
	firstID string
	// presumeNew is set for a lone request without an idempotency key: the
	// hand-off it opens is almost always new, so execute makes its first
	// decision on the empty stream without reading it (as on records that
	// may be stale), and its append expects the stream not to exist. When
	// it does exist, the append fails with eventstore.ErrWrongVersion,
	// appending nothing, and execute reads the stream and decides again, as
	// after any concurrent write. (A flag rather than a session wrapping
	// direct: that wrapper was an allocation a request.)
	presumeNew bool
}

// withRequest fingerprints the command for the idempotency check: a key
// reused for a different request is a conflict, never a silent replay.
func (m Meta) withRequest(what string, cmd any) Meta {
	if m.IdempotencyKey == "" {
		return m
	}
	m.requestHash = fingerprint(what, cmd)
	return m
}

// Metadata is the JSON stored as every event's metadata.
type Metadata struct {
	Actor          string `json:"actor"`
	Role           Role   `json:"role"`
	Department     string `json:"department,omitempty"`
	CorrelationID  string `json:"correlation_id,omitempty"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	RequestHash    string `json:"request_hash,omitempty"`
}

// recorded is what the service keeps of each stored event of a stream.
type recorded struct {
	ID         string
	Version    uint64
	Position   uint64
	RecordedAt time.Time
	Metadata   []byte
	Event      domain.Event
}

// load reads a whole stream and decodes its events.
func (s *Service) load(ctx context.Context, stream string) ([]recorded, error) {
	var out []recorded
	for ev, err := range s.store.ReadStream(ctx, stream, 0) {
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", stream, err)
		}
		r, err := decodeRecorded(stream, ev)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// decodeRecorded decodes a stored event of stream.
func decodeRecorded(stream string, ev eventstore.RecordedEvent) (recorded, error) {
	e, err := domain.Decode(ev.Type, ev.Data)
	if err != nil {
		return recorded{}, fmt.Errorf("reading %s at version %d: %w", stream, ev.Version, err)
	}
	return recorded{ID: ev.ID, Version: ev.Version, Position: ev.Position,
		RecordedAt: ev.RecordedAt, Metadata: ev.Metadata, Event: e}, nil
}

func fold[S any](evolve func(S, domain.Event) S, recs []recorded) S {
	var st S
	for _, r := range recs {
		st = evolve(st, r.Event)
	}
	return st
}

// outcome tells what a command did to its stream.
type outcome struct {
	Version  uint64 // stream version after the command
	Position uint64 // global position of the command's last event, or of the stream's last event
	Appended bool   // false for a no-op or a replayed retry
	Replayed bool   // an idempotent retry answered from the log
}

// execute runs one command against one stream: load, replay check, decide,
// append; it retries on a concurrent write.
func execute[S any](ctx context.Context, s *Service, x session, a Actor, m Meta, stream string,
	evolve func(S, domain.Event) S, decide func(S) ([]domain.Event, error),
) (S, outcome, error) {
	var zero S
	dupRetried := false
	fromStore := false // after a retry, or when cached records refuse: read the store
	for attempt := 0; ; attempt++ {
		var (
			recs   []recorded
			cached = true // presumed new: checked against the store when it refuses
			err    error
		)
		if !m.presumeNew || fromStore {
			recs, cached, err = loadFor(ctx, x, stream, fromStore)
		}
		if err != nil {
			return zero, outcome{}, err
		}
		fromStore = true
		if m.IdempotencyKey != "" {
			if m.firstID == "" {
				m.firstID = idempotentID(a, m.IdempotencyKey, 0) // once, not per attempt and again in encode
			}
			if st, out, hash, ok := replay(evolve, recs, m.firstID); ok {
				if hash != m.requestHash {
					return zero, outcome{}, fmt.Errorf("%w: idempotency key %q was already used for a different request",
						domain.ErrConflict, m.IdempotencyKey)
				}
				return st, out, nil
			}
		}
		st := fold(evolve, recs)
		events, err := decide(st)
		if cached && (err != nil || len(events) == 0) {
			attempt--
			continue // decided on records that may be stale: decide again on the store's
		}
		if err != nil {
			return zero, outcome{}, err
		}
		var version, last uint64
		if n := len(recs); n > 0 {
			version, last = recs[n-1].Version, recs[n-1].Position
		}
		if len(events) == 0 {
			return st, outcome{Version: version, Position: last}, nil
		}
		data, err := s.encode(a, m, events)
		if err != nil {
			return zero, outcome{}, err
		}
		res, err := x.append(ctx, stream, version, events, data)
		switch {
		case errors.Is(err, eventstore.ErrWrongVersion) && attempt < s.maxRetries:
			continue // someone else wrote first: decide again on the new state
		case errors.Is(err, eventstore.ErrDuplicateID) && !dupRetried:
			dupRetried = true
			continue // a concurrent call with the same key may have won: reload and replay
		case errors.Is(err, eventstore.ErrDuplicateID):
			return zero, outcome{}, fmt.Errorf("%w: idempotency key %q was already used for a different request",
				domain.ErrConflict, m.IdempotencyKey)
		case err != nil:
			return zero, outcome{}, fmt.Errorf("appending to %s: %w", stream, err)
		}
		if d, ok := x.(decider); ok {
			d.appended(stream, recs, events, data, res)
		}
		for _, e := range events {
			st = evolve(st, e)
		}
		return st, outcome{Version: res.Version, Position: res.Position, Appended: true}, nil
	}
}

// replay answers an idempotent retry: the state just after the events the
// first call appended, if the stream holds them, and the request hash the
// first call recorded.
func replay[S any](evolve func(S, domain.Event) S, recs []recorded, firstID string) (S, outcome, string, bool) {
	var st S
	for i, r := range recs {
		if r.ID != firstID {
			continue
		}
		// A command appends its events together; fold up to the last of
		// them. (Most commands are new: nothing is folded for them here.)
		end := i
		for end+1 < len(recs) && sameAppend(recs[end+1].ID, firstID) {
			end++
		}
		st = fold(evolve, recs[:end+1])
		var meta Metadata
		_ = json.Unmarshal(r.Metadata, &meta) // a missing hash compares unequal
		return st, outcome{Version: recs[end].Version, Position: recs[end].Position, Replayed: true}, meta.RequestHash, true
	}
	return st, outcome{}, "", false
}

// sameAppend reports whether id belongs to the same idempotent append as
// firstID. Every command appends at most one event today; this keeps replay
// correct should one append more (their IDs share the key's prefix).
func sameAppend(id, firstID string) bool { return id[:23] == firstID[:23] && id != firstID }

func (s *Service) encode(a Actor, m Meta, events []domain.Event) ([]eventstore.EventData, error) {
	if len(events) == 1 {
		return encodeOne(a, m, events[0])
	}
	return encodeEvents(make([]eventstore.EventData, 0, len(events)), a, m, metadataJSON(m.metadata(a)), events)
}

// encodeOne is encodeEvents for the one event most commands decide: its
// payload is written on the stack, then copied with its metadata into one
// allocation of their size (instead of a payload grown from a guess and
// the metadata apart).
func encodeOne(a Actor, m Meta, e domain.Event) ([]eventstore.EventData, error) {
	var scratch [512]byte
	payload, typ, err := domain.AppendEncoded(scratch[:0], e)
	if err != nil {
		return nil, err
	}
	md := m.metadata(a)
	b := make([]byte, 0, len(payload)+metadataJSONSize(md))
	b = append(b, payload...)
	n := len(b)
	b = appendMetadataJSON(b, md)
	return []eventstore.EventData{{ID: m.eventID(a, 0), Type: typ, Data: b[:n:n], Metadata: b[n:len(b):len(b)]}}, nil
}

// metadata is the metadata of the events of a command by a with m.
func (m Meta) metadata(a Actor) Metadata {
	return Metadata{Actor: a.Name, Role: a.Role, Department: a.Department,
		CorrelationID: m.CorrelationID, IdempotencyKey: m.IdempotencyKey, RequestHash: m.requestHash}
}

// encodeEvents appends to out the events a command by a with m decided,
// encoded, each with meta (the JSON of m.metadata(a)) as its metadata.
func encodeEvents(out []eventstore.EventData, a Actor, m Meta, meta []byte, events []domain.Event) ([]eventstore.EventData, error) {
	for i, e := range events {
		data, err := domain.Encode(e)
		if err != nil {
			return out, err
		}
		out = append(out, eventstore.EventData{ID: m.eventID(a, i), Type: domain.EventType(e), Data: data, Metadata: meta})
	}
	return out, nil
}

// eventID is the ID of the i-th event of a command by a with m: derived
// from its idempotency key, or fresh without one.
func (m Meta) eventID(a Actor, i int) string {
	switch {
	case m.IdempotencyKey == "":
		return eventstore.NewID()
	case i == 0 && m.firstID != "":
		return m.firstID
	}
	return idempotentID(a, m.IdempotencyKey, i)
}

// idempotencyScope is whose keys a key is among: each token's own, except
// that admins share one scope, so that an import (an admin's work) sent
// again through another admin token or written directly into the store by
// 'cadena import' is recognised as the same commands, not done twice.
func idempotencyScope(a Actor) string {
	if a.Role == RoleAdmin {
		return "role:admin"
	}
	return "token:" + a.Name
}

// idempotentID derives the ID of the i-th event of a command from the actor
// and its idempotency key: a name-based UUID (version 8, SHA-256). The first
// 23 characters depend only on the actor and key, the rest on i too.
func idempotentID(a Actor, key string, i int) string {
	return eventstore.FormatUUID(idempotentUUID(a, key, i))
}

// idempotentUUID is idempotentID's UUID, in bytes.
func idempotentUUID(a Actor, key string, i int) [16]byte {
	var buf [160]byte // on the stack for the keys of an import
	in := append(buf[:0], "cadena-idempotency\x00"...)
	in = append(append(append(in, idempotencyScope(a)...), 0), key...)
	var pi [sha256.Size + 2]byte // prefix, then i: an array, not an append that escapes
	prefix := sha256.Sum256(in)
	copy(pi[:], prefix[:])
	pi[sha256.Size], pi[sha256.Size+1] = byte(i), byte(i>>8)
	suffix := sha256.Sum256(pi[:])
	var b [16]byte
	copy(b[:10], prefix[:10])
	copy(b[10:], suffix[:6])
	b[6] = b[6]&0x0f | 0x80 // version 8
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return b
}

// appendUUID appends b in the text form of eventstore.FormatUUID.
func appendUUID(dst []byte, b [16]byte) []byte {
	const hex = "0123456789abcdef"
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hex[x>>4], hex[x&0x0f])
	}
	return dst
}
