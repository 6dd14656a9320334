package main

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// synthLog appends about n realistic events to s: 300 departments, 1,000
// pairs with agreements, and hand-offs requested over a year (about 4.5
// events each: accepted, sometimes paused and resumed, escalated,
// returned, cancelled; usually delivered and rated), in business-time
// order as a live organisation would write them.
func synthLog(ctx context.Context, s eventstore.Store, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	const nDepts, nPairs = 300, 1000
	w := &synthWriter{s: s}
	dept := func(i int) string { return fmt.Sprintf("dept-%03d", i) }
	for i := range nDepts {
		w.add(ctx, domain.DepartmentStream(dept(i)), domain.DepartmentRegistered{DepartmentID: dept(i), Name: fmt.Sprintf("Department %d", i), At: start})
	}
	office := []string{"09:00-13:00", "14:00-18:00"}
	calSpec := func(name string, fri []string) domain.CalendarSpec {
		return domain.CalendarSpec{Name: name, TimeZone: "Europe/Madrid",
			Week: domain.Week{Mon: office, Tue: office, Wed: office, Thu: office, Fri: fri}}
	}
	calendarSets := []domain.CalendarSet{
		{CalendarID: "office", CalendarSpec: calSpec("Office", office), At: start},
		{CalendarID: "short-fridays", CalendarSpec: calSpec("Short Fridays", []string{"08:00-15:00"}), At: start},
	}
	for _, c := range calendarSets {
		w.add(ctx, domain.CalendarStream(c.CalendarID), c)
	}
	type pairT struct {
		s, c  string
		terms *domain.AgreementTerms
	}
	pairs := make([]pairT, nPairs)
	kinds := []string{"report", "review", "purchase", "access", "repair", "analysis"}
	for i := range pairs {
		sup := i % nDepts
		cus := (sup + 1 + i/nDepts*7 + r.IntN(50)) % nDepts
		if cus == sup {
			cus = (cus + 1) % nDepts
		}
		p := pairT{s: dept(sup), c: dept(cus)}
		if r.IntN(5) != 0 {
			set := domain.AgreementSet{Supplier: p.s, Customer: p.c, ResolveWithinS: int64(8+r.IntN(72)) * 3600, RespondWithinS: int64(1+r.IntN(4)) * 3600, At: start}
			if r.IntN(5) == 0 {
				set.Calendar = calendarSets[r.IntN(len(calendarSets))].CalendarID
			}
			p.terms = &domain.AgreementTerms{Version: 1, ResolveWithinS: set.ResolveWithinS, RespondWithinS: set.RespondWithinS, Calendar: set.Calendar}
			w.add(ctx, domain.AgreementStream(p.s, p.c), set)
		}
		pairs[i] = p
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	// About 4.5 events per hand-off, spread evenly over a year.
	handoffs := max(1, (n-w.count)*2/9)
	step := 365 * 24 * time.Hour / time.Duration(handoffs)
	var q eventQueue
	for h := 0; h < handoffs; h++ {
		t := start.Add(time.Duration(h) * step)
		for len(q) > 0 && !q[0].at.After(t) {
			e := heap.Pop(&q).(queued)
			w.add(ctx, e.stream, e.ev)
		}
		p := pairs[r.IntN(nPairs)]
		switch {
		case h == handoffs/2: // a calendar redefined, a department renamed and one retired
			c := calendarSets[0]
			c.Week.Fri, c.At = []string{"09:00-14:00"}, t
			w.add(ctx, domain.CalendarStream(c.CalendarID), c)
			w.add(ctx, domain.DepartmentStream(dept(1)), domain.DepartmentRenamed{DepartmentID: dept(1), Name: "Renamed", At: t})
			w.add(ctx, domain.DepartmentStream(dept(2)), domain.DepartmentRetired{DepartmentID: dept(2), At: t})
		case h%500 == 499:
			w.add(ctx, domain.RecognitionStream(p.s, p.c), domain.PairRecognised{From: p.c, To: p.s,
				Message: "thank you for the help", Author: "someone", At: t})
		}
		id := fmt.Sprintf("h%08d", h)
		stream := domain.HandoffStream(id)
		w.add(ctx, stream, domain.HandoffRequested{HandoffID: id, Supplier: p.s, Customer: p.c,
			Kind: kinds[r.IntN(len(kinds))], Title: fmt.Sprintf("Please handle request %d for %s", h, p.c), Agreement: p.terms, At: t})
		later := func(max time.Duration) time.Time {
			t = t.Add(time.Minute + time.Duration(r.Int64N(int64(max))))
			return t
		}
		push := func(ev domain.Event) { heap.Push(&q, queued{at: domain.OccurredAt(ev), stream: stream, ev: ev}) }
		push(domain.HandoffAccepted{HandoffID: id, At: later(4 * time.Hour)})
		if r.IntN(5) == 0 {
			push(domain.HandoffPaused{HandoffID: id, Reason: "waiting for the figures", At: later(8 * time.Hour)})
			push(domain.HandoffResumed{HandoffID: id, At: later(24 * time.Hour)})
		}
		if r.IntN(20) == 0 {
			push(domain.HandoffEscalated{HandoffID: id, Reason: "late", At: later(8 * time.Hour)})
		}
		if r.IntN(30) == 0 {
			push(domain.HandoffCancelled{HandoffID: id, At: later(24 * time.Hour)})
			continue
		}
		if r.IntN(25) == 0 {
			continue // still open
		}
		push(domain.HandoffDelivered{HandoffID: id, Delivery: 1, At: later(48 * time.Hour)})
		delivery := 1
		if r.IntN(10) == 0 {
			push(domain.HandoffReturned{HandoffID: id, Reason: "incomplete", At: later(8 * time.Hour)})
			delivery++
			push(domain.HandoffDelivered{HandoffID: id, Delivery: delivery, Note: "fixed", At: later(16 * time.Hour)})
		}
		if r.IntN(5) < 3 {
			rated := domain.HandoffRated{HandoffID: id, Delivery: delivery, Score: 1 + r.IntN(5), At: later(24 * time.Hour)}
			if r.IntN(4) == 0 {
				rated.Comment = "thanks, that was quick"
			}
			push(rated)
		}
	}
	for len(q) > 0 {
		e := heap.Pop(&q).(queued)
		w.add(ctx, e.stream, e.ev)
	}
	return w.flush(ctx)
}

type queued struct {
	at     time.Time
	stream string
	ev     domain.Event
}

type eventQueue []queued

func (q eventQueue) Len() int           { return len(q) }
func (q eventQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q eventQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *eventQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// synthWriter appends events in large batches.
type synthWriter struct {
	s     eventstore.Store
	batch []eventstore.StreamAppend
	count int
	err   error
}

func (w *synthWriter) add(ctx context.Context, stream string, ev domain.Event) {
	data, err := domain.Encode(ev)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.batch = append(w.batch, eventstore.StreamAppend{Stream: stream, Expected: eventstore.Any,
		Events: []eventstore.EventData{{ID: eventstore.NewID(), Type: domain.EventType(ev), Data: data}}})
	w.count++
	if len(w.batch) == 4096 {
		_ = w.flush(ctx)
	}
}

func (w *synthWriter) flush(ctx context.Context) error {
	if w.err != nil || len(w.batch) == 0 {
		w.batch = w.batch[:0]
		return w.err
	}
	res, err := eventstore.AppendBatch(ctx, w.s, w.batch)
	if err != nil {
		w.err = err
	}
	for _, r := range res {
		if r.Err != nil && w.err == nil {
			w.err = r.Err
		}
	}
	w.batch = w.batch[:0]
	return w.err
}
