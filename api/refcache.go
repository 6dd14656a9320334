package api

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/cadena-project/cadena/domain"
)

// maxCachedRefs bounds the department and agreement streams a Service
// keeps folded; past it, one is dropped (and read again when needed).
const maxCachedRefs = 1 << 16

// refCache keeps the department and agreement streams that commands
// consult (a request reads its pair's two departments and agreements),
// folded up to a version of each stream. States are values: the state at
// version v is the fold of the stream's first v events whoever wrote them,
// so a newer version always replaces an older one and never the reverse.
//
// Whether the version held is still the stream's latest depends on who
// else writes the store:
//
//   - sole writer (Options.SoleWriter: the embedded store, which one
//     process opens at a time, written only through this Service): an entry
//     marked fresh is served without asking the store. Every append of the
//     Service to such a stream marks it stale before the append starts and
//     again once it returned (begin and end), and while one is under way
//     readers go to the store and install nothing; a read that began before
//     a write began installs nothing either (the epoch moved). So a command
//     never decides on a state older than the store's when the command
//     began, as when it read the stream itself.
//   - otherwise (a server other replicas write too), every use asks the
//     store for the events after the version held, and folds and keeps
//     them: one short read, no decoding when nothing changed.
//
// It is safe for concurrent use.
type refCache[S any] struct {
	evolve func(S, domain.Event) S
	sole   bool

	mu   sync.Mutex
	byID map[string]*refEntry[S]
}

type refEntry[S any] struct {
	state   S
	version uint64 // of the stream
	fresh   bool   // sole writer: version is the stream's latest
	epoch   uint64 // moves at every begin and end of a write
	writers int    // appends of this Service under way
}

func newRefCache[S any](evolve func(S, domain.Event) S, sole bool) *refCache[S] {
	return &refCache[S]{evolve: evolve, sole: sole, byID: map[string]*refEntry[S]{}}
}

// entryLocked returns the entry of stream, making one (and room for it).
func (rc *refCache[S]) entryLocked(stream string) *refEntry[S] {
	e, ok := rc.byID[stream]
	if ok {
		return e
	}
	if len(rc.byID) >= maxCachedRefs {
		for k, v := range rc.byID {
			if v.writers == 0 {
				delete(rc.byID, k)
				break
			}
		}
	}
	e = &refEntry[S]{}
	rc.byID[stream] = e
	return e
}

// currentOf returns the state of the stream named name, as current does,
// but makes the name's string only when it reads the store: a command
// served from memory allocates nothing here (name may be on the caller's
// stack).
func (rc *refCache[S]) currentOf(ctx context.Context, s *Service, name []byte) (S, error) {
	if rc.sole {
		rc.mu.Lock()
		e, ok := rc.byID[string(name)] // no string is made for the look-up
		if ok && e.fresh && e.writers == 0 {
			st := e.state
			rc.mu.Unlock()
			return st, nil
		}
		rc.mu.Unlock()
	}
	return rc.current(ctx, s, string(name))
}

// current returns the state of stream as of no earlier than the call.
func (rc *refCache[S]) current(ctx context.Context, s *Service, stream string) (S, error) {
	rc.mu.Lock()
	e := rc.entryLocked(stream)
	if rc.sole && e.fresh && e.writers == 0 {
		st := e.state
		rc.mu.Unlock()
		return st, nil
	}
	held, version, epoch, writing := e.state, e.version, e.epoch, e.writers > 0
	rc.mu.Unlock()
	return rc.read(ctx, s, stream, held, version, epoch, writing)
}

// read folds the events of stream after version onto held and keeps the
// result; the slow path of current, apart so that the fast one moves
// nothing to the heap.
func (rc *refCache[S]) read(ctx context.Context, s *Service, stream string, held S, version, epoch uint64, writing bool) (S, error) {

	st, v := held, version
	for ev, err := range s.store.ReadStream(ctx, stream, version) {
		if err != nil {
			var zero S
			return zero, fmt.Errorf("reading %s: %w", stream, err)
		}
		r, err := decodeRecorded(stream, ev)
		if err != nil {
			var zero S
			return zero, err
		}
		st, v = rc.evolve(st, r.Event), r.Version
	}

	rc.mu.Lock()
	defer rc.mu.Unlock()
	e := rc.entryLocked(stream) // it may have been dropped meanwhile
	if v > e.version {
		e.state, e.version = st, v
	}
	if rc.sole && !writing && e.writers == 0 && e.epoch == epoch && e.version == v {
		e.fresh = true
	}
	return st, nil
}

// beginWrite marks stream stale for as long as an append to it is under
// way; endWrite must follow once the append returned, whatever it
// returned.
func (rc *refCache[S]) beginWrite(stream string) {
	rc.mu.Lock()
	e := rc.entryLocked(stream)
	e.writers++
	e.epoch++
	e.fresh = false
	rc.mu.Unlock()
}

func (rc *refCache[S]) endWrite(stream string) {
	rc.mu.Lock()
	e := rc.entryLocked(stream)
	e.writers--
	e.epoch++
	e.fresh = false
	rc.mu.Unlock()
}

// The prefixes of the streams the caches keep.
var (
	departmentPrefix = domain.DepartmentStream("")
	agreementPrefix  = strings.TrimSuffix(domain.AgreementStream("", ""), ".")
)

// refs are the caches of the streams commands consult.
type refs struct {
	departments *refCache[domain.Department]
	agreements  *refCache[domain.Agreements]
}

func newRefs(sole bool) refs {
	return refs{departments: newRefCache(domain.EvolveDepartment, sole),
		agreements: newRefCache(domain.EvolveAgreements, sole)}
}

// writing marks stream stale while an append to it is under way, when it
// is a stream the caches keep, and returns the function that ends the
// write.
func (r refs) writing(stream string) func() {
	switch {
	case strings.HasPrefix(stream, departmentPrefix):
		r.departments.beginWrite(stream)
		return func() { r.departments.endWrite(stream) }
	case strings.HasPrefix(stream, agreementPrefix):
		r.agreements.beginWrite(stream)
		return func() { r.agreements.endWrite(stream) }
	}
	return func() {}
}
