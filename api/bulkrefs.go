package api

import (
	"context"
	"strings"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// refStream is a reference stream a BulkLoad keeps (a department, an
// agreement, a calendar): its records, its state folded once, and its
// latest append in the part held.
type refStream struct {
	recs   []recorded
	last   int // the index of its latest append in the part held, -1 for none
	folded bool
	dept   domain.Department
	ag     domain.Agreements
}

func (r *refStream) department() domain.Department {
	if !r.folded {
		r.dept, r.folded = fold(domain.EvolveDepartment, r.recs), true
	}
	return r.dept
}

func (r *refStream) agreements() domain.Agreements {
	if !r.folded {
		r.ag, r.folded = fold(domain.EvolveAgreements, r.recs), true
	}
	return r.ag
}

// keep caches the records of a reference stream read from the store; an
// empty agreement stream is kept as known to be empty (nil) unless
// always.
func (l *BulkLoad) keep(stream string, recs []recorded, always bool) *refStream {
	if sup, cus, ok := agreementPair(stream); ok {
		var r *refStream
		if len(recs) > 0 || always {
			r = &refStream{recs: recs, last: -1}
			l.agKept++
		}
		l.ags[pair{sup, cus}] = r
		return r
	}
	r := &refStream{recs: recs, last: -1}
	l.refs[stream] = r
	if id, ok := strings.CutPrefix(stream, departmentPrefix); ok {
		l.depts[id] = r
	}
	return r
}

// kept is the reference stream kept for stream, read by the command
// deciding on it; nil for another stream.
func (l *BulkLoad) kept(stream string) *refStream {
	if sup, cus, ok := agreementPair(stream); ok {
		r, _ := l.agreementsOf(sup, cus)
		return r
	}
	return l.refs[stream]
}

// pair is a supplier and a customer.
type pair struct{ supplier, customer string }

// agreementRef is an agreement stream as prefetch found it: known, and
// nil when known to be empty.
type agreementRef struct {
	r     *refStream
	known bool
}

// agreementPair is the pair of an agreement stream: slugs hold no dots.
func agreementPair(stream string) (supplier, customer string, ok bool) {
	pair, ok := strings.CutPrefix(stream, agreementPrefix)
	if !ok {
		return "", "", false
	}
	return strings.Cut(pair, ".")
}

// agreementsOf is the agreement stream of a pair, and whether it is known
// (nil when known to be empty).
func (l *BulkLoad) agreementsOf(supplier, customer string) (*refStream, bool) {
	r, ok := l.ags[pair{supplier, customer}]
	return r, ok
}

// department is the department a request consults, as Service.pair
// loads it: a malformed ID as one that does not exist.
func (l *BulkLoad) department(id string) (domain.Department, error) {
	if !domain.ValidSlug(id) {
		return domain.Department{}, nil
	}
	r, ok := l.depts[id]
	if !ok {
		var err error
		if r, err = l.ref(l.ctx, domain.DepartmentStream(id)); err != nil {
			return domain.Department{}, err
		}
	}
	l.consult(r)
	return r.department(), nil
}

// consult records that the command decided depends on r's latest append
// in the part held, if any (StreamAppend.After).
func (l *BulkLoad) consult(r *refStream) {
	if r.last >= 0 {
		l.deps = append(l.deps, r.last)
	}
}

// The session of the commands decided through the use cases: the hand-off
// decided on (cur), and the reference streams, read once and kept current
// by the load's own appends.

func (l *BulkLoad) load(ctx context.Context, stream string) ([]recorded, error) {
	if l.cur != nil && stream == l.cur.stream {
		return l.cur.recs, nil
	}
	r, err := l.ref(ctx, stream)
	if err != nil {
		return nil, err
	}
	return r.recs, nil
}

func (l *BulkLoad) peek(ctx context.Context, stream string) ([]recorded, error) {
	r, err := l.ref(ctx, stream)
	if err != nil {
		return nil, err
	}
	l.consult(r)
	return r.recs, nil
}

// ref reads a stream other than cur's: a reference stream through the
// cache, a hand-off's from the store (it is decided on only once the
// appends held are written: loadStored).
func (l *BulkLoad) ref(ctx context.Context, stream string) (*refStream, error) {
	if r, ok := l.refs[stream]; ok {
		return r, nil
	}
	if sup, cus, ok := agreementPair(stream); ok {
		if r, known := l.agreementsOf(sup, cus); known {
			if r == nil { // known to be empty: kept from now on, for the command that appends to it
				r = l.keep(stream, nil, true)
			}
			return r, nil
		}
	}
	recs, err := l.s.load(ctx, stream)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(stream, handoffPrefix) {
		return &refStream{recs: recs, last: -1}, nil
	}
	return l.keep(stream, recs, true), nil
}

func (l *BulkLoad) append(_ context.Context, stream string, version uint64, events []domain.Event, data []eventstore.EventData) (eventstore.AppendResult, error) {
	recs := make([]recorded, len(events))
	for i, e := range events {
		recs[i] = recorded{ID: data[i].ID, Version: version + uint64(i) + 1, Metadata: data[i].Metadata, Event: e}
	}
	if l.cur != nil && stream == l.cur.stream {
		l.cur.recs = append(l.cur.recs, recs...)
	} else if r := l.kept(stream); r != nil {
		r.recs, r.folded = append(r.recs, recs...), false
		if r.last < 0 {
			l.touched = append(l.touched, r)
		}
		r.last = len(l.appends)
	}
	l.appends = append(l.appends, eventstore.StreamAppend{Stream: stream, Expected: eventstore.Exact(version),
		Events: data, After: l.after(), EncodedJSON: true}) // data is Service.encode's: domain.Encode and metadataJSON
	return eventstore.AppendResult{Version: version + uint64(len(events))}, nil
}
