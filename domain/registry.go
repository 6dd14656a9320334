package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// registry lists every event type, one row each: its stable type name, its
// Go type, and where its business time and hand-off ID are. It is fixed at
// compile time: nothing registers types at run time, and no name is ever
// taken from a Go type's name. Adding an event type is one row here (plus its
// constant and struct in events.go and its case in an Evolve function).
var registry = []eventType{
	event(TypeDepartmentRegistered, func(e DepartmentRegistered) facts { return facts{at: e.At} }),
	event(TypeDepartmentRenamed, func(e DepartmentRenamed) facts { return facts{at: e.At} }),
	event(TypeDepartmentRetired, func(e DepartmentRetired) facts { return facts{at: e.At} }),
	event(TypeAgreementSet, func(e AgreementSet) facts { return facts{at: e.At} }),
	event(TypeCalendarSet, func(e CalendarSet) facts { return facts{at: e.At} }),
	event(TypeHandoffRequested, func(e HandoffRequested) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffAccepted, func(e HandoffAccepted) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffPaused, func(e HandoffPaused) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffResumed, func(e HandoffResumed) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffDelivered, func(e HandoffDelivered) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffReturned, func(e HandoffReturned) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffEscalated, func(e HandoffEscalated) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffCancelled, func(e HandoffCancelled) facts { return facts{e.At, e.HandoffID} }),
	event(TypeHandoffRated, func(e HandoffRated) facts { return facts{e.At, e.HandoffID} }),
	event(TypePairRecognised, func(e PairRecognised) facts { return facts{at: e.At} }),
}

// facts is what every event tells beyond its own fields.
type facts struct {
	at      time.Time // business time
	handoff string    // the hand-off it belongs to; "" for other aggregates
}

// eventType is one row of the registry.
type eventType struct {
	name   string
	goType reflect.Type
	decode func(data []byte) (Event, error)
	// fast is the fast path of decode (fastdecode.go), nil for types
	// without one; it declines what it does not know for sure.
	fast  func(data []byte) (Event, bool)
	facts func(Event) facts
}

func event[T any](name string, f func(T) facts) eventType {
	return eventType{
		name:   name,
		goType: reflect.TypeFor[T](),
		decode: func(data []byte) (Event, error) {
			var v T
			err := json.Unmarshal(data, &v)
			return v, err
		},
		facts: func(e Event) facts { return f(e.(T)) },
	}
}

var (
	byName   = map[string]*eventType{}
	byGoType = map[reflect.Type]*eventType{}
)

func init() {
	for i := range registry {
		t := &registry[i]
		if byName[t.name] != nil || byGoType[t.goType] != nil {
			panic("domain: event type registered twice: " + t.name)
		}
		byName[t.name], byGoType[t.goType] = t, t
		t.fast = fastDecoders[t.name]
	}
}

func lookup(e Event) (*eventType, bool) {
	t, ok := byGoType[reflect.TypeOf(e)]
	return t, ok
}

// EventTypes returns the type names of every event, in registry order.
func EventTypes() []string {
	out := make([]string, len(registry))
	for i, t := range registry {
		out[i] = t.name
	}
	return out
}

// EventType returns the stable type name of e, such as
// "handoff.requested.v1", and "" for a value that is not an event.
func EventType(e Event) string {
	if t, ok := lookup(e); ok {
		return t.name
	}
	return ""
}

// OccurredAt returns the business time of e, and the zero time for a value
// that is not an event.
func OccurredAt(e Event) time.Time {
	if t, ok := lookup(e); ok {
		return t.facts(e).at
	}
	return time.Time{}
}

// HandoffOf returns the ID of the hand-off an event belongs to, and false
// for events of other aggregates.
func HandoffOf(e Event) (string, bool) {
	if t, ok := lookup(e); ok {
		id := t.facts(e).handoff
		return id, id != ""
	}
	return "", false
}

// Encode returns the JSON of an event; a value that is not an event is an
// error.
func Encode(e Event) ([]byte, error) {
	t, ok := lookup(e)
	if !ok {
		return nil, fmt.Errorf("encoding %T: not an event type", e)
	}
	if b, ok := fastEncode(e); ok {
		return b, nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", t.name, err)
	}
	return b, nil
}

// Decode parses the JSON of an event of the given type. It returns an error
// for an unknown type; callers that fold a log of mixed streams skip those
// with IsDomainType.
func Decode(eventType string, data []byte) (Event, error) {
	t, ok := byName[current(eventType)]
	if !ok {
		return nil, fmt.Errorf("decoding event: unknown type %q", eventType)
	}
	if t.fast != nil {
		if e, ok := t.fast(data); ok {
			return e, nil
		}
	}
	e, err := t.decode(data)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", eventType, err)
	}
	return e, nil
}

// IsDomainType reports whether Decode knows eventType.
func IsDomainType(eventType string) bool {
	_, ok := byName[current(eventType)]
	return ok
}
