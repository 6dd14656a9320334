package api

import (
	"context"
	"fmt"
	"sync"

	"github.com/cadena-project/cadena/domain"
)

// maxCachedCalendars bounds the calendars a Service keeps compiled; past
// it, the one used least recently is dropped (and read again if needed).
const maxCachedCalendars = 256

// calendarCache keeps, per calendar, its state folded up to a version of
// its stream and the compiled form of that state. A read asks the store
// only for the events after the version held: when there are none, the
// answer is the one held, without decoding or compiling anything; when
// there are, they are folded onto it and the result compiled once. The
// store answers every read with all it has committed, so a read never
// returns a definition older than the stream's as the read began.
// It is safe for concurrent use.
type calendarCache struct {
	mu   sync.Mutex
	byID map[string]*cachedCalendar
	tick uint64 // counts uses, for eviction
}

type cachedCalendar struct {
	version uint64 // of the stream (every event counts), not CalendarState.Version
	state   domain.CalendarState
	cal     *domain.WorkCalendar
	used    uint64
}

// current returns the latest definition of calendar id and its compiled
// form (nil when the calendar does not exist). The state's slices are
// shared with the cache: callers must not modify them.
func (cc *calendarCache) current(ctx context.Context, s *Service, id string) (domain.CalendarState, *domain.WorkCalendar, error) {
	var held cachedCalendar
	cc.mu.Lock()
	if e, ok := cc.byID[id]; ok {
		cc.tick++
		e.used = cc.tick
		held = *e
	}
	cc.mu.Unlock()

	stream := domain.CalendarStream(id)
	next, changed := held, false
	for ev, err := range s.store.ReadStream(ctx, stream, held.version) {
		if err != nil {
			return domain.CalendarState{}, nil, fmt.Errorf("reading %s: %w", stream, err)
		}
		e, err := domain.Decode(ev.Type, ev.Data)
		if err != nil {
			return domain.CalendarState{}, nil, fmt.Errorf("reading %s at version %d: %w", stream, ev.Version, err)
		}
		next.state = domain.EvolveCalendar(next.state, e)
		next.version, changed = ev.Version, true
	}
	if !changed {
		return held.state, held.cal, nil
	}
	if !next.state.Exists() {
		return next.state, nil, nil
	}
	cal, err := domain.CompileCalendar(next.state.Spec)
	if err != nil {
		return domain.CalendarState{}, nil, fmt.Errorf("compiling calendar %s version %d: %w", id, next.state.Version, err)
	}
	next.cal = cal
	cc.put(id, next)
	return next.state, next.cal, nil
}

// put keeps e unless a newer version of the calendar is held already.
func (cc *calendarCache) put(id string, e cachedCalendar) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.byID == nil {
		cc.byID = map[string]*cachedCalendar{}
	}
	if got, ok := cc.byID[id]; ok {
		if got.version < e.version {
			e.used = got.used
			*got = e
		}
		return
	}
	if len(cc.byID) >= maxCachedCalendars {
		oldest, at := "", ^uint64(0)
		for k, v := range cc.byID {
			if v.used < at {
				oldest, at = k, v.used
			}
		}
		delete(cc.byID, oldest)
	}
	cc.tick++
	e.used = cc.tick
	cc.byID[id] = &e
}

// len returns the calendars held (for tests).
func (cc *calendarCache) len() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.byID)
}
