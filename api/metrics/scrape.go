package metrics

import (
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/cadena-project/cadena/projections/tallies"
)

// Scrapes: a scrape reads the read models' figures and compares them with
// those the previous scrape made its series from; only the series whose
// values changed are made again (a const metric written once into its
// protobuf form), the others are handed out as they were. The all-time
// sums are not even read again while the tallies have applied no event.
// The open-clock gauges depend on now and are evaluated at every scrape,
// the 30-day gauges on the window that ends tomorrow. Concurrent scrapes
// share one computation: a scrape that arrives while another is under way
// waits for it and gets its answer.

// The business families, by index.
const (
	fRequested = iota // then delivered, returned, escalated, cancelled
	_
	_
	_
	_
	fOutcomes
	fOpen
	fLeadTime
	fRatings
	fFriction
	fCompliance
	nFamilies
)

// family is one metric family of the business collector: its series carry
// the supplier and customer labels, and at most one more (extra), with a
// few fixed values.
type family struct {
	name, help string
	typ        dto.MetricType
	extra      string
	values     []string // the values of extra, sorted
	extraFirst bool     // extra sorts before "customer" among the label names
	desc       *prometheus.Desc
}

func newFamily(name string, typ dto.MetricType, help, extra string, values ...string) family {
	labels := []string{"supplier", "customer"}
	if extra != "" {
		labels = append(labels, extra)
	}
	return family{name: name, help: help, typ: typ, extra: extra, values: values, extraFirst: extra != "" && extra < "customer",
		desc: prometheus.NewDesc(name, help, labels, nil)}
}

// sums are the all-time figures of one label pair (a pair, or the pairs
// folded into _other).
type sums struct {
	t       tallies.PairTotals
	buckets []uint64
	sum     float64
	count   uint64
	// hidesRatings: a pair summed has ratings, but fewer than the
	// anonymity minimum, so the sum's are not exported either (the sum
	// less the pairs the API shows would give them away).
	hidesRatings bool
}

func (s *sums) equal(o *sums) bool {
	return s.t == o.t && slices.Equal(s.buckets, o.buckets) && s.sum == o.sum && s.count == o.count &&
		s.hidesRatings == o.hidesRatings
}

// pairMetrics are the series of one label pair, and the figures they were
// made from.
type pairMetrics struct {
	series [nFamilies][]*dto.Metric // per family, one per value of its extra label; nil where absent

	sums     sums
	hasSums  bool
	clock    tallies.OpenClock // Supplier and Customer left empty
	hasClock bool
	score    float64
	compl    float64
	hasCompl bool
	hasScore bool

	// In the scrape being made: counters, open clocks, window gauges.
	inCounters, inOpen, inScores bool
}

// snapshot is the answer of one scrape and what the next one starts from.
type snapshot struct {
	fams  []*dto.MetricFamily
	index []int // the family index of each of fams

	pairs   map[pairKey]*pairMetrics
	order   []pairKey        // the label pairs of the counters, in Totals order
	keep    map[pairKey]bool // see kept
	tallied bool             // tpos is the tallies' position the sums were read at
	tpos    uint64

	// What assemble reuses of the previous scrape: the label pairs of each
	// group of families (counters, open clocks, window gauges) and whether
	// a series of the group was made again; the label pairs sorted; the
	// family of each index.
	groups  [nGroups]group
	changed [nFamilies]bool // a series of the family was made again
	keys    []pairKey
	pms     []*pairMetrics
	byFam   [nFamilies]*dto.MetricFamily
}

// Groups of families, made from the same figures.
const (
	gCounters = iota
	gOpen
	gScores
	nGroups
)

type group struct {
	keys []pairKey
}

func groupOf(f int) int {
	switch f {
	case fOpen:
		return gOpen
	case fFriction, fCompliance:
		return gScores
	}
	return gCounters
}

type scrapeFlight struct {
	done chan struct{}
	snap *snapshot
}

// scrape returns the answer of a scrape made now, or of the one under way.
func (b *Business) scrape() *snapshot {
	b.mu.Lock()
	if f := b.inflight; f != nil {
		b.mu.Unlock()
		<-f.done
		return f.snap
	}
	f := &scrapeFlight{done: make(chan struct{})}
	b.inflight = f
	prev := b.last
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		if f.snap != nil {
			b.last = f.snap
		}
		b.inflight = nil
		b.mu.Unlock()
		close(f.done)
	}()
	f.snap = b.build(b.opts.Now(), prev)
	return f.snap
}

type positioned interface{ Position() uint64 }

// build makes the scrape as of now, reusing the series of prev whose
// figures have not changed.
func (b *Business) build(now time.Time, prev *snapshot) *snapshot {
	snap := &snapshot{pairs: map[pairKey]*pairMetrics{}}
	get := func(k pairKey) *pairMetrics {
		if pm, ok := snap.pairs[k]; ok {
			return pm
		}
		var pm *pairMetrics
		if prev != nil {
			pm = prev.pairs[k]
		}
		if pm == nil {
			pm = &pairMetrics{}
		}
		pm.inCounters, pm.inOpen, pm.inScores = false, false, false
		snap.pairs[k] = pm
		return pm
	}

	// All-time counters and histograms, folded.
	p, ok := b.tallies.(positioned)
	if ok {
		snap.tallied, snap.tpos = true, p.Position() // before reading: the sums are at least as new
	}
	if ok && prev != nil && prev.tallied && prev.tpos == snap.tpos {
		snap.order, snap.keep = prev.order, prev.keep
		for _, k := range snap.order {
			get(k).inCounters = true
		}
		snap.groups[gCounters].keys = snap.order
	} else {
		totals := b.tallies.Totals()
		snap.keep = b.kept(totals)
		folded := map[pairKey]*sums{}
		for _, t := range totals {
			k := snap.label(t.Supplier, t.Customer)
			s, ok := folded[k]
			if !ok {
				s = &sums{buckets: make([]uint64, len(LeadTimeBuckets))}
				folded[k] = s
				snap.order = append(snap.order, k)
			}
			s.t.Requested += t.Requested
			s.t.Delivered += t.Delivered
			s.t.Returned += t.Returned
			s.t.Escalated += t.Escalated
			s.t.Cancelled += t.Cancelled
			s.t.OutcomesMet += t.OutcomesMet
			s.t.OutcomesBreached += t.OutcomesBreached
			for i, r := range t.RatingEvents {
				s.t.RatingEvents[i] += r
			}
			rated := 0
			for i, r := range t.Ratings {
				s.t.Ratings[i] += r
				rated += r
			}
			s.hidesRatings = s.hidesRatings || rated > 0 && !b.opts.Policy.ShowsSatisfaction(rated)
			counts, sum, count := b.tallies.LeadTimeHistogram(t.Supplier, t.Customer, LeadTimeBuckets)
			for i, c := range counts {
				s.buckets[i] += c
			}
			s.sum += sum
			s.count += count
		}
		for _, k := range snap.order {
			pm := get(k)
			pm.inCounters = true
			if s := folded[k]; !pm.hasSums || !pm.sums.equal(s) {
				b.makeCounters(pm, k, s, &snap.changed)
			}
		}
		snap.groups[gCounters].keys = snap.order
	}

	// Open hand-offs now, folded. Every label pair with hand-offs gets its
	// four series, at 0 when nothing is open: a series that vanished when
	// the pair's last open hand-off closed would show "No data" on a
	// dashboard and hide a rise from 0 from delta() in the alert rules.
	open := map[pairKey]*tallies.OpenClock{}
	openOrder := slices.Clone(snap.order)
	for _, k := range snap.order {
		open[k] = &tallies.OpenClock{}
	}
	for _, c := range b.tallies.OpenClocks(now) {
		k := snap.label(c.Supplier, c.Customer)
		o, ok := open[k]
		if !ok {
			o = &tallies.OpenClock{}
			open[k] = o
			openOrder = append(openOrder, k)
		}
		o.Running += c.Running
		o.Paused += c.Paused
		o.AtRisk += c.AtRisk
		o.Breached += c.Breached
	}
	snap.groups[gOpen].keys = openOrder
	for _, k := range openOrder {
		pm := get(k)
		pm.inOpen = true
		if o := *open[k]; !pm.hasClock || pm.clock != o {
			pm.clock, pm.hasClock = o, true
			snap.changed[fOpen] = true
			vs := [4]int{o.AtRisk, o.Breached, o.Paused, o.Running} // in the order of the clock values
			pm.series[fOpen] = make([]*dto.Metric, 4)
			for i, v := range vs {
				pm.series[fOpen][i] = b.metric(fOpen, float64(v), k.supplier, k.customer, b.fams[fOpen].values[i])
			}
		}
	}

	// Window gauges: pair figures are not additive, so folded pairs get none.
	if w, err := b.figures.ParseWindow("", "", now); err == nil {
		for _, sc := range b.figures.Scores(w) {
			k := pairKey{sc.Supplier, sc.Customer}
			if snap.keep != nil && !snap.keep[k] {
				continue
			}
			pm := get(k)
			pm.inScores = true
			snap.groups[gScores].keys = append(snap.groups[gScores].keys, k)
			hasCompl := sc.Compliance != nil
			var compl float64
			if hasCompl {
				compl = *sc.Compliance
			}
			if pm.hasScore && pm.score == sc.Friction && pm.hasCompl == hasCompl && pm.compl == compl {
				continue
			}
			pm.score, pm.compl, pm.hasCompl, pm.hasScore = sc.Friction, compl, hasCompl, true
			snap.changed[fFriction], snap.changed[fCompliance] = true, true
			pm.series[fFriction] = []*dto.Metric{b.metric(fFriction, sc.Friction, k.supplier, k.customer)}
			pm.series[fCompliance] = []*dto.Metric{nil}
			if hasCompl {
				pm.series[fCompliance][0] = b.metric(fCompliance, compl, k.supplier, k.customer)
			}
		}
	}
	b.assemble(snap, prev)
	return snap
}

// label returns the label pair of a pair: itself, or _other when folded.
func (s *snapshot) label(supplier, customer string) pairKey {
	k := pairKey{supplier, customer}
	if s.keep != nil && !s.keep[k] {
		return pairKey{Other, Other}
	}
	return k
}

// makeCounters makes the all-time series of a label pair from its sums,
// those whose values differ from the sums they were made from, and marks
// their families in changed.
func (b *Business) makeCounters(pm *pairMetrics, k pairKey, s *sums, changed *[nFamilies]bool) {
	old, had := pm.sums, pm.hasSums
	pm.sums, pm.hasSums = *s, true
	counter := func(f int, v int, extra ...string) *dto.Metric {
		return b.metric(f, float64(v), append([]string{k.supplier, k.customer}, extra...)...)
	}
	for i, v := range [5][2]int{{s.t.Requested, old.t.Requested}, {s.t.Delivered, old.t.Delivered},
		{s.t.Returned, old.t.Returned}, {s.t.Escalated, old.t.Escalated}, {s.t.Cancelled, old.t.Cancelled}} {
		if !had || v[0] != v[1] {
			pm.series[fRequested+i] = []*dto.Metric{counter(fRequested+i, v[0])}
			changed[fRequested+i] = true
		}
	}
	if !had || s.t.OutcomesBreached != old.t.OutcomesBreached || s.t.OutcomesMet != old.t.OutcomesMet {
		pm.series[fOutcomes] = []*dto.Metric{counter(fOutcomes, s.t.OutcomesBreached, "breached"), counter(fOutcomes, s.t.OutcomesMet, "met")}
		changed[fOutcomes] = true
	}
	if !had || !slices.Equal(s.buckets, old.buckets) || s.sum != old.sum || s.count != old.count {
		buckets := make(map[float64]uint64, len(LeadTimeBuckets))
		for i, bound := range LeadTimeBuckets {
			buckets[bound] = s.buckets[i]
		}
		pm.series[fLeadTime] = []*dto.Metric{write(prometheus.MustNewConstHistogram(b.fams[fLeadTime].desc, s.count, s.sum, buckets, k.supplier, k.customer))}
		changed[fLeadTime] = true
	}
	// The threshold counts ratings as the figures do (the latest rating of
	// each delivery), never rating events: one rating given five times is
	// one rating. That count never goes down (a re-rating replaces a
	// rating, a return keeps it), so a pair's series, once exported,
	// stays; _other's hides while a pair folded into it is under the
	// minimum (sums.hidesRatings).
	shows := func(s *sums) bool {
		rated := 0
		for _, r := range s.t.Ratings {
			rated += r
		}
		return !s.hidesRatings && b.opts.Policy.ShowsSatisfaction(rated)
	}
	if show := shows(s); !had || show != shows(&old) || s.t.RatingEvents != old.t.RatingEvents {
		pm.series[fRatings] = nil
		if show {
			pm.series[fRatings] = make([]*dto.Metric, 5)
			for i, r := range s.t.RatingEvents {
				pm.series[fRatings][i] = counter(fRatings, r, strconv.Itoa(i+1))
			}
		}
		changed[fRatings] = true
	}
}

// metric makes one series of family f.
func (b *Business) metric(f int, v float64, labels ...string) *dto.Metric {
	t := prometheus.GaugeValue
	if b.fams[f].typ == dto.MetricType_COUNTER {
		t = prometheus.CounterValue
	}
	return write(prometheus.MustNewConstMetric(b.fams[f].desc, t, v, labels...))
}

func write(m prometheus.Metric) *dto.Metric {
	out := &dto.Metric{}
	if err := m.Write(out); err != nil {
		panic(err) // const metrics do not fail
	}
	return out
}
