// Package synth writes a realistic organisation's log into an event store,
// for benchmarks: departments, business-hours calendars, agreements (some
// in working time, some narrowed to a kind, some tightened during the
// year) and a year of hand-offs through their lifecycle, with pauses,
// escalations, returns, cancellations, ratings and recognitions, as the
// domain records them. In the course of the year one calendar is
// redefined and the quietest department is retired.
//
// # Basics
//
// Write appends exactly Options.Events events, in business-time order, with
// the store's batch append. The same Options (Seed and Start included)
// give the same log, event IDs included. Requests arrive mostly in office
// hours on weekdays; a few pairs take most of them, and about one in
// twenty is a friction hotspot.
//
// # Caveats
//
// The log is cut at Options.Events: the last hand-offs are left open as
// they stood, as in a live system. The span is about Options.Days (the
// arrival rate is estimated from a sample), so the last events may fall
// a little before or after Start plus Days.
package synth

import (
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// Options shape the log. The zero value of each field means its default.
type Options struct {
	// Events is the number of events to write; default 1,000,000.
	Events int
	// Departments is the number of departments; default 300.
	Departments int
	// Pairs is the number of supplier -> customer pairs with hand-offs;
	// default 1,000. At most Departments*(Departments-1)/2.
	Pairs int
	// Seed picks the organisation and its history; default 1.
	Seed uint64
	// Start is the business time the history starts at; default Days
	// days before now, at midnight UTC.
	Start time.Time
	// Days is the span of the history; default 365.
	Days int
	// Batch is the number of events per AppendBatch; default 8,192.
	Batch int
}

// ErrOptions is returned, wrapped, for Options out of range.
var ErrOptions = errors.New("synth: invalid options")

func (o Options) withDefaults() (Options, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Events, 1_000_000)
	def(&o.Departments, 300)
	def(&o.Pairs, 1000)
	def(&o.Days, 365)
	def(&o.Batch, 8192)
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Now().UTC().AddDate(0, 0, -o.Days).Truncate(24 * time.Hour)
	}
	o.Start = o.Start.UTC().Truncate(time.Second)
	switch {
	case o.Events < 1:
		return o, fmt.Errorf("%w: Events %d: want at least 1", ErrOptions, o.Events)
	case o.Departments < 2:
		return o, fmt.Errorf("%w: Departments %d: want at least 2", ErrOptions, o.Departments)
	case o.Pairs < 1 || o.Pairs > o.Departments*(o.Departments-1)/2:
		return o, fmt.Errorf("%w: Pairs %d: want 1 to %d for %d departments", ErrOptions, o.Pairs, o.Departments*(o.Departments-1)/2, o.Departments)
	case o.Days < 1:
		return o, fmt.Errorf("%w: Days %d: want at least 1", ErrOptions, o.Days)
	case o.Batch < 1:
		return o, fmt.Errorf("%w: Batch %d: want at least 1", ErrOptions, o.Batch)
	case o.Start.Before(domain.MinTime):
		return o, fmt.Errorf("%w: Start %s is before %s", ErrOptions, o.Start.Format(time.RFC3339), domain.MinTime.Format(time.RFC3339))
	}
	return o, nil
}

// Summary tells what Write wrote.
type Summary struct {
	Events      int
	Departments int
	Pairs       int // pairs with at least one hand-off requested
	Handoffs    int // hand-offs requested
	// ByType counts the events by type name.
	ByType map[string]int
	// First and Last are the business times of the first and last event.
	First, Last time.Time
	// Position is the global position of the last event.
	Position uint64
	// Supplier and Customer are the busiest pair's departments.
	Supplier, Customer string
	// DepartmentIDs lists the IDs of every department, in order.
	DepartmentIDs []string
	// Retired is the department retired in the course of the history
	// (after it, no new hand-off, agreement or recognition involves it);
	// "" when none could be (every pair involves it).
	Retired string
}

// Actor is recorded as the author of every event Write appends.
var Actor = api.Actor{Name: "synth", Role: api.RoleAdmin}

// Write appends o.Events events of a generated organisation to s, with
// its AppendBatch when it has one, and returns what it wrote. s must hold
// none of the log's streams yet (a fresh store, or one that holds other
// streams). A batch rejected by the store is an error; what earlier
// batches appended stays.
func Write(ctx context.Context, s eventstore.Appender, o Options) (Summary, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	g, err := newGenerator(o)
	if err != nil {
		return Summary{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []eventstore.StreamAppend, 2)
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		genErr <- g.run(ctx, batches)
	}()
	var last uint64
	for b := range batches {
		res, err := eventstore.AppendBatch(ctx, s, b)
		if err != nil {
			cancel()
			for range batches {
			}
			return g.sum, fmt.Errorf("synth: appending: %w", err)
		}
		for i, r := range res {
			if r.Err != nil {
				cancel()
				for range batches {
				}
				return g.sum, fmt.Errorf("synth: appending to %s: %w", b[i].Stream, r.Err)
			}
			last = max(last, r.Position)
		}
	}
	if err := <-genErr; err != nil {
		return g.sum, err
	}
	g.sum.Position = last
	return g.sum, nil
}

// item is a stream with planned events waiting in the time-ordered queue.
type item struct {
	at     time.Time
	seq    uint64 // tie-break: first planned, first written
	stream string
	evs    []timed
	next   int
	own    bool // the stream is the item's alone (a hand-off): its version is next
}

type queue []*item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if c := q[i].at.Compare(q[j].at); c != 0 {
		return c < 0
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// generator plans the log and cuts it into batches.
type generator struct {
	o        Options
	rng      *rand.Rand
	depts    []department
	pairs    []pair
	cum      []float64
	q        queue
	seq      uint64
	versions map[string]uint64 // of the streams items share
	meta     []byte
	batch    []eventstore.StreamAppend
	written  int
	sum      Summary
	pairSeen []bool
	perHO    float64
	// retired is the index of the department retired at retiredAt, -1
	// for none.
	retired   int
	retiredAt time.Time
	// idMs and idSeq are the time and sequence of the last event ID.
	idMs  int64
	idSeq uint16
}

func newGenerator(o Options) (*generator, error) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed))
	meta, err := json.Marshal(api.Metadata{Actor: Actor.Name, Role: Actor.Role})
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	g := &generator{o: o, rng: rng, depts: departmentsOf(o.Departments), versions: map[string]uint64{}, meta: meta,
		sum: Summary{ByType: map[string]int{}}}
	g.pairs = pairsOf(rng, g.depts, o.Pairs, o.Start, o.Days)
	g.retired, g.retiredAt = retiree(g.depts, g.pairs), o.Start.AddDate(0, 0, o.Days*11/20).Add(10*time.Hour)
	for i := range g.pairs {
		if g.involvesRetired(i) {
			g.pairs[i].agreements = slices.DeleteFunc(g.pairs[i].agreements, func(a agreement) bool { return !a.at.Before(g.retiredAt) })
		}
	}
	g.cum = cumulative(g.pairs)
	g.pairSeen = make([]bool, len(g.pairs))
	g.perHO = eventsPerHandoff(o.Seed, g.pairs, g.cum, g.depts, o.Start)
	busiest := 0
	for i, p := range g.pairs {
		if p.weight > g.pairs[busiest].weight {
			busiest = i
		}
	}
	g.sum.Supplier, g.sum.Customer = g.depts[g.pairs[busiest].supplier].id, g.depts[g.pairs[busiest].customer].id
	for _, d := range g.depts {
		g.sum.DepartmentIDs = append(g.sum.DepartmentIDs, d.id)
	}

	// The organisation is set up before the history starts; renames and
	// tightened agreements come in the course of it.
	cals, err := calendarEvents(o.Start.Add(-2*time.Hour), o.Days)
	if err != nil {
		return nil, err
	}
	for _, e := range cals {
		c := e.(domain.CalendarSet)
		g.push(domain.CalendarStream(c.CalendarID), false, timed{c.At, e})
	}
	redefined, err := calendarRedefined(cals[0].(domain.CalendarSet), o.Start.AddDate(0, 0, o.Days*2/5).Add(8*time.Hour))
	if err != nil {
		return nil, err
	}
	g.push(domain.CalendarStream(redefined.CalendarID), false, timed{redefined.At, redefined})
	for _, d := range g.depts {
		at := o.Start.Add(-90 * time.Minute)
		g.push(domain.DepartmentStream(d.id), false, timed{at, domain.DepartmentRegistered{DepartmentID: d.id, Name: d.name, At: at}})
		if rng.IntN(50) == 0 {
			at := o.Start.Add(time.Duration(rng.Int64N(int64(o.Days) * int64(24*time.Hour)))).Truncate(time.Second)
			g.push(domain.DepartmentStream(d.id), false, timed{at, domain.DepartmentRenamed{DepartmentID: d.id, Name: d.name + " & Co", At: at}})
		}
	}
	if g.retired >= 0 {
		id := g.depts[g.retired].id
		g.sum.Retired = id
		g.push(domain.DepartmentStream(id), false, timed{g.retiredAt, domain.DepartmentRetired{DepartmentID: id, At: g.retiredAt}})
	}
	for _, p := range g.pairs {
		for _, a := range p.agreements {
			t := a.terms
			g.push(domain.AgreementStream(g.depts[p.supplier].id, g.depts[p.customer].id), false, timed{a.at, domain.AgreementSet{
				Supplier: g.depts[p.supplier].id, Customer: g.depts[p.customer].id, Kind: t.Kind,
				ResolveWithinS: t.ResolveWithinS, RespondWithinS: t.RespondWithinS, Calendar: t.Calendar, At: a.at}})
		}
	}
	return g, nil
}

// involvesRetired reports whether pair k has the retired department on
// either side.
func (g *generator) involvesRetired(k int) bool {
	return g.retired >= 0 && (g.pairs[k].supplier == g.retired || g.pairs[k].customer == g.retired)
}

func (g *generator) push(stream string, own bool, evs ...timed) {
	g.seq++
	heap.Push(&g.q, &item{at: evs[0].at, seq: g.seq, stream: stream, evs: evs, own: own})
}

// run plans hand-offs as they arrive and writes every planned event in
// business-time order until o.Events are written.
func (g *generator) run(ctx context.Context, out chan<- []eventstore.StreamAppend) error {
	o := g.o
	span := time.Duration(float64(o.Days) * 0.97 * float64(24*time.Hour))
	handoffs := max(1, float64(o.Events-len(g.q))/g.perHO)
	rate := handoffs / (float64(span) * meanIntensity()) // arrivals per nanosecond at full intensity
	arrival := o.Start
	for g.written < o.Events {
		// The next request: a Poisson process thinned by the hour.
		for {
			arrival = arrival.Add(time.Duration(g.rng.ExpFloat64() / rate))
			if g.rng.Float64() < intensity(arrival) {
				break
			}
		}
		arrival = arrival.Truncate(time.Second)
		for len(g.q) > 0 && !g.q[0].at.After(arrival) && g.written < o.Events {
			if err := g.emitNext(ctx, out); err != nil {
				return err
			}
		}
		if g.written >= o.Events {
			break
		}
		k := sampleIndex(g.rng, g.cum)
		for !arrival.Before(g.retiredAt) && g.involvesRetired(k) {
			k = sampleIndex(g.rng, g.cum) // a retired department receives no new hand-offs
		}
		g.sum.Handoffs++
		id := fmt.Sprintf("ho-%08d", g.sum.Handoffs)
		evs, thanks := plan(g.rng, &g.pairs[k], g.depts, id, arrival)
		if !g.pairSeen[k] {
			g.pairSeen[k] = true
			g.sum.Pairs++
		}
		g.push(domain.HandoffStream(id), true, evs...)
		if thanks != nil && (thanks.at.Before(g.retiredAt) || !g.involvesRetired(k)) {
			p := thanks.ev.(domain.PairRecognised)
			g.push(domain.RecognitionStream(p.To, p.From), false, *thanks)
		}
	}
	return g.flush(ctx, out)
}

// emitNext writes the earliest planned event and queues its stream's next.
func (g *generator) emitNext(ctx context.Context, out chan<- []eventstore.StreamAppend) error {
	it := g.q[0]
	e := it.evs[it.next]
	var version uint64
	if it.own {
		version = uint64(it.next)
	} else {
		version = g.versions[it.stream]
		g.versions[it.stream] = version + 1
	}
	it.next++
	if it.next < len(it.evs) {
		it.at = it.evs[it.next].at
		heap.Fix(&g.q, 0)
	} else {
		heap.Pop(&g.q)
	}
	data, err := domain.Encode(e.ev)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	typ := domain.EventType(e.ev)
	g.batch = append(g.batch, eventstore.StreamAppend{Stream: it.stream, Expected: eventstore.Exact(version),
		Events: []eventstore.EventData{{ID: g.newID(e.at), Type: typ, Data: data, Metadata: g.meta}}})
	g.written++
	g.sum.Events++
	g.sum.ByType[typ]++
	if g.sum.First.IsZero() {
		g.sum.First = e.at
	}
	g.sum.Last = e.at
	if typ == domain.TypeDepartmentRegistered {
		g.sum.Departments++
	}
	if len(g.batch) >= g.o.Batch {
		return g.flush(ctx, out)
	}
	return nil
}

func (g *generator) flush(ctx context.Context, out chan<- []eventstore.StreamAppend) error {
	if len(g.batch) == 0 {
		return nil
	}
	select {
	case out <- g.batch:
		g.batch = make([]eventstore.StreamAppend, 0, g.o.Batch)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newID returns a time-ordered (version 7) UUID for an event at business
// time at, as eventstore.NewID makes them for live appends: the log's IDs
// ascend with its positions, so the store's ID index grows at its end
// (random IDs made the bolt file's writes several times larger). The
// random bits are drawn from the generator, so the same options give the
// same IDs.
func (g *generator) newID(at time.Time) string {
	ms := max(at.UnixMilli(), g.idMs)
	if ms == g.idMs {
		g.idSeq++
		if g.idSeq == 1<<12 { // the 12-bit sequence ran out: the next millisecond
			ms, g.idSeq = ms+1, 0
		}
	} else {
		g.idSeq = 0
	}
	g.idMs = ms
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(ms)<<16|0x7000|uint64(g.idSeq))
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64()&^(3<<62)|1<<63)
	return eventstore.FormatUUID(b)
}
