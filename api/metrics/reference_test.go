package metrics_test

// The business collector as it was before its families were prepared
// once and kept between scrapes: the reference the scrapes of
// metrics.Business are compared with, byte for byte.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadena-project/cadena/api/metrics"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/tallies"
)

// refFigures is what the reference collector read of the pair statistics.
type refFigures interface {
	ParseWindow(from, to string, now time.Time) (pairstats.Window, error)
	Pairs(w pairstats.Window) []pairstats.Figures
}

var pairLabels = []string{"supplier", "customer"}

// refBusiness is a prometheus.Collector that computes the business figures
// from the projections at scrape time.
type refBusiness struct {
	tallies metrics.Tallies
	figures refFigures
	opts    metrics.BusinessOptions

	counters    map[string]*prometheus.Desc
	slaOutcomes *prometheus.Desc
	open        *prometheus.Desc
	leadTime    *prometheus.Desc
	ratings     *prometheus.Desc
	friction    *prometheus.Desc
	compliance  *prometheus.Desc
}

// newRefBusiness returns the collector of the tallies t and the figures f;
// register it with a prometheus.Registerer. Give both read models the
// policy of opts, fed by the same runner.
func newRefBusiness(t metrics.Tallies, f refFigures, opts metrics.BusinessOptions) *refBusiness {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Policy = opts.Policy.WithDefaults()
	b := &refBusiness{tallies: t, figures: f, opts: opts, counters: map[string]*prometheus.Desc{}}
	for _, what := range []string{"requested", "delivered", "returned", "escalated", "cancelled"} {
		b.counters[what] = prometheus.NewDesc("cadena_handoffs_"+what+"_total",
			"Hand-offs "+what+" (events in the log, all time), by supplier and customer department.", pairLabels, nil)
	}
	b.slaOutcomes = prometheus.NewDesc("cadena_handoff_sla_outcomes_total",
		"Deliveries of hand-offs with an agreement, by whether the supplier-owned time up to that delivery was within the resolve target.",
		append(pairLabels, "outcome"), nil)
	b.open = prometheus.NewDesc("cadena_handoffs_open",
		fmt.Sprintf("Open hand-offs now, by the state of their SLA clock: running or paused (these two add up to the open hand-offs), at_risk (at least %s%% of the target) or breached.",
			strconv.FormatFloat(100*opts.Policy.AtRiskRatio, 'f', -1, 64)),
		append(pairLabels, "clock"), nil)
	b.leadTime = prometheus.NewDesc("cadena_handoff_lead_time_seconds",
		"Wall-clock time from request to delivery, observed at every delivery (all time).", pairLabels, nil)
	b.ratings = prometheus.NewDesc("cadena_handoff_ratings_total",
		"Ratings by score, re-ratings included; exported for a pair once it has the anonymity minimum of ratings.",
		append(pairLabels, "score"), nil)
	b.friction = prometheus.NewDesc("cadena_pair_friction_score",
		"Friction score (0 to 100) of a pair over the last 30 days.", pairLabels, nil)
	b.compliance = prometheus.NewDesc("cadena_pair_sla_compliance_ratio",
		"Share of a pair's evaluated hand-offs within the resolve target over the last 30 days (absent when none was evaluated).", pairLabels, nil)
	return b
}

var _ prometheus.Collector = (*refBusiness)(nil)

// Describe sends the descriptors of every family.
func (b *refBusiness) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range b.counters {
		ch <- d
	}
	for _, d := range []*prometheus.Desc{b.slaOutcomes, b.open, b.leadTime, b.ratings, b.friction, b.compliance} {
		ch <- d
	}
}

type pairKey struct{ supplier, customer string }

// Collect computes the figures and sends them as const metrics.
func (b *refBusiness) Collect(ch chan<- prometheus.Metric) {
	now := b.opts.Now()
	totals := b.tallies.Totals()
	keep := b.kept(totals)
	label := func(supplier, customer string) pairKey {
		k := pairKey{supplier, customer}
		if keep != nil && !keep[k] {
			return pairKey{metrics.Other, metrics.Other}
		}
		return k
	}

	// Counters, folded.
	type sums struct {
		t       tallies.PairTotals
		buckets []uint64
		sum     float64
		count   uint64
		hidden  bool // a pair summed is under the anonymity minimum
	}
	folded := map[pairKey]*sums{}
	var order []pairKey
	for _, t := range totals {
		k := label(t.Supplier, t.Customer)
		s, ok := folded[k]
		if !ok {
			s = &sums{buckets: make([]uint64, len(metrics.LeadTimeBuckets))}
			folded[k] = s
			order = append(order, k)
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
		s.hidden = s.hidden || rated > 0 && !b.opts.Policy.ShowsSatisfaction(rated)
		counts, sum, count := b.tallies.LeadTimeHistogram(t.Supplier, t.Customer, metrics.LeadTimeBuckets)
		for i, c := range counts {
			s.buckets[i] += c
		}
		s.sum += sum
		s.count += count
	}
	for _, k := range order {
		s := folded[k]
		counter := func(d *prometheus.Desc, v int, extra ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{k.supplier, k.customer}, extra...)...)
		}
		counter(b.counters["requested"], s.t.Requested)
		counter(b.counters["delivered"], s.t.Delivered)
		counter(b.counters["returned"], s.t.Returned)
		counter(b.counters["escalated"], s.t.Escalated)
		counter(b.counters["cancelled"], s.t.Cancelled)
		counter(b.slaOutcomes, s.t.OutcomesMet, "met")
		counter(b.slaOutcomes, s.t.OutcomesBreached, "breached")
		buckets := make(map[float64]uint64, len(metrics.LeadTimeBuckets))
		for i, bound := range metrics.LeadTimeBuckets {
			buckets[bound] = s.buckets[i]
		}
		ch <- prometheus.MustNewConstHistogram(b.leadTime, s.count, s.sum, buckets, k.supplier, k.customer)
		// The threshold counts ratings as the figures do (the latest
		// rating of each delivery), never rating events: one rating given
		// five times is one rating. That count never goes down (a
		// re-rating replaces a rating, a return keeps it), so a series,
		// once exported, stays.
		rated := 0
		for _, r := range s.t.Ratings {
			rated += r
		}
		if !s.hidden && b.opts.Policy.ShowsSatisfaction(rated) {
			for i, r := range s.t.RatingEvents {
				counter(b.ratings, r, strconv.Itoa(i+1))
			}
		}
	}

	// Open hand-offs now, folded. Every pair with hand-offs gets its four
	// series, at 0 when nothing is open: a series that vanished when the
	// pair's last open hand-off closed would show "No data" on a dashboard
	// and hide a rise from 0 from delta() in the alert rules.
	open := map[pairKey]*tallies.OpenClock{}
	openOrder := slices.Clone(order)
	for _, k := range order {
		open[k] = &tallies.OpenClock{}
	}
	for _, c := range b.tallies.OpenClocks(now) {
		k := label(c.Supplier, c.Customer)
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
	for _, k := range openOrder {
		o := open[k]
		for clock, v := range map[string]int{"running": o.Running, "paused": o.Paused, "at_risk": o.AtRisk, "breached": o.Breached} {
			ch <- prometheus.MustNewConstMetric(b.open, prometheus.GaugeValue, float64(v), k.supplier, k.customer, clock)
		}
	}

	// Window gauges: pair figures are not additive, so folded pairs get none.
	w, err := b.figures.ParseWindow("", "", now)
	if err != nil {
		return
	}
	for _, f := range b.figures.Pairs(w) {
		if keep != nil && !keep[pairKey{f.Supplier, f.Customer}] {
			continue
		}
		ch <- prometheus.MustNewConstMetric(b.friction, prometheus.GaugeValue, f.Friction.Score, f.Supplier, f.Customer)
		if f.SLA.Compliance != nil {
			ch <- prometheus.MustNewConstMetric(b.compliance, prometheus.GaugeValue, *f.SLA.Compliance, f.Supplier, f.Customer)
		}
	}
}

// kept returns the pairs exported under their own labels, nil for all.
func (b *refBusiness) kept(totals []tallies.PairTotals) map[pairKey]bool {
	if b.opts.TopPairs <= 0 || len(totals) <= b.opts.TopPairs {
		return nil
	}
	ranked := slices.Clone(totals)
	slices.SortStableFunc(ranked, func(x, y tallies.PairTotals) int {
		return cmp.Or(cmp.Compare(y.Requested, x.Requested), cmp.Compare(x.Supplier, y.Supplier), cmp.Compare(x.Customer, y.Customer))
	})
	keep := make(map[pairKey]bool, b.opts.TopPairs)
	for _, t := range ranked[:b.opts.TopPairs] {
		keep[pairKey{t.Supplier, t.Customer}] = true
	}
	return keep
}
