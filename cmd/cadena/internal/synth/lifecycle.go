package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// timed is one planned event of a stream at its business time.
type timed struct {
	at time.Time
	ev domain.Event
}

// plan returns the events of one hand-off of p requested at t, in order,
// as the lifecycle table allows them: accepted, then cancelled, or
// delivered after an escalation or a pause, sometimes returned and
// delivered again, then rated. One in a hundred stays open. A recognition
// of the supplier, when the rating earns one, is returned apart: it goes
// to the pair's recognition stream.
func plan(rng *rand.Rand, p *pair, depts []department, id string, t time.Time) ([]timed, *timed) {
	kind := p.kinds[rng.IntN(len(p.kinds))]
	title := fmt.Sprintf(titles[rng.IntN(len(titles))], strings.ReplaceAll(kind, "-", " "), subjects[rng.IntN(len(subjects))])
	var terms *domain.AgreementTerms
	if a := p.inForce(kind, t); a != nil {
		c := *a
		terms = &c
	}
	out := make([]timed, 1, 8)
	out[0] = timed{t, domain.HandoffRequested{HandoffID: id, Supplier: depts[p.supplier].id, Customer: depts[p.customer].id,
		Kind: kind, Title: title, Agreement: terms, At: t}}
	after := func(d time.Duration) time.Time {
		t = t.Add(d.Round(time.Second))
		return t
	}
	lead := logNormal(rng, p.lead, p.spread)
	at := after(logNormal(rng, p.respond/3, 0.8))
	out = append(out, timed{at, domain.HandoffAccepted{HandoffID: id, At: at}})
	if rng.Float64() < p.pAbandon {
		return out, nil
	}
	if rng.Float64() < p.pCancel {
		at := after(lead / 3)
		return append(out, timed{at, domain.HandoffCancelled{HandoffID: id, Reason: "no longer needed", At: at}}), nil
	}
	if rng.Float64() < p.pEscalate {
		at := after(lead / 2)
		out = append(out, timed{at, domain.HandoffEscalated{HandoffID: id, Reason: "blocking a customer commitment", At: at}})
	}
	if rng.Float64() < p.pPause {
		at := after(lead / 4)
		out = append(out, timed{at, domain.HandoffPaused{HandoffID: id, Reason: "waiting for details from the requester", At: at}})
		at = after(logNormal(rng, 20*time.Hour, 0.7))
		out = append(out, timed{at, domain.HandoffResumed{HandoffID: id, At: at}})
	}
	at = after(logNormal(rng, lead/2, 0.3))
	out = append(out, timed{at, domain.HandoffDelivered{HandoffID: id, Delivery: 1, Note: "done", At: at}})
	delivery := 1
	if rng.Float64() < p.pReturn {
		at := after(logNormal(rng, 6*time.Hour, 0.5))
		out = append(out, timed{at, domain.HandoffReturned{HandoffID: id, Reason: "incomplete: see comments", At: at}})
		at = after(logNormal(rng, lead/3, 0.5))
		delivery++
		out = append(out, timed{at, domain.HandoffDelivered{HandoffID: id, Delivery: delivery, Note: "reworked", At: at}})
	}
	if rng.Float64() >= p.pRate {
		return out, nil
	}
	score := min(5, max(1, int(math.Round(p.mood+rng.NormFloat64()*0.9))))
	at = after(logNormal(rng, 4*time.Hour, 0.6))
	out = append(out, timed{at, domain.HandoffRated{HandoffID: id, Delivery: delivery, Score: score, At: at}})
	if score < 5 || rng.IntN(30) != 0 {
		return out, nil
	}
	at = at.Add(logNormal(rng, 24*time.Hour, 0.5))
	s, c := depts[p.supplier], depts[p.customer]
	return out, &timed{at, domain.PairRecognised{From: c.id, To: s.id, Author: c.id + "-head",
		Message: "Thank you for " + title + ": it made a difference.", At: at}}
}

// eventsPerHandoff estimates how many events a hand-off records, from a
// sample planned with its own generator, so the arrival rate spreads the
// log over the requested span.
func eventsPerHandoff(seed uint64, ps []pair, cum []float64, depts []department, start time.Time) float64 {
	rng := rand.New(rand.NewPCG(seed, seed^0xca1b))
	const sample = 4000
	n := 0
	for range sample {
		evs, thanks := plan(rng, &ps[sampleIndex(rng, cum)], depts, "sample", start)
		n += len(evs)
		if thanks != nil {
			n++
		}
	}
	return float64(n) / sample
}

// intensity is the relative arrival rate of requests at t: office hours
// on weekdays are busy, nights quiet and weekends quieter.
func intensity(t time.Time) float64 {
	switch wd, h := t.Weekday(), t.Hour(); {
	case wd == time.Saturday || wd == time.Sunday:
		return 0.05
	case h >= 7 && h < 19:
		return 1
	default:
		return 0.15
	}
}

// meanIntensity is intensity averaged over a week.
func meanIntensity() float64 {
	sum := 0.0
	monday := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for h := range 7 * 24 {
		sum += intensity(monday.Add(time.Duration(h) * time.Hour))
	}
	return sum / (7 * 24)
}
