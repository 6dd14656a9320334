package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/pairstats"
	"github.com/cadena-project/cadena/projections/tallies"
)

// Tallies is what the business collector reads of the all-time tallies
// (counters, the lead-time histogram, the open clocks); *tallies.Model
// satisfies it.
type Tallies interface {
	Totals() []tallies.PairTotals
	OpenClocks(asOf time.Time) []tallies.OpenClock
	LeadTimeHistogram(supplier, customer string, bounds []float64) (counts []uint64, sum float64, count uint64)
}

// Figures is what the business collector reads of the pair statistics (the
// 30-day gauges); *pairstats.Model satisfies it.
type Figures interface {
	ParseWindow(from, to string, now time.Time) (pairstats.Window, error)
	Pairs(w pairstats.Window) []pairstats.Figures
}

// BusinessOptions tune the business collector.
type BusinessOptions struct {
	// TopPairs, when above 0, exports only the TopPairs pairs with the most
	// hand-offs requested (all time) and folds the rest into
	// supplier="_other", customer="_other".
	TopPairs int
	// Policy is the organisation's policy, the same value the read models
	// and the API are given: a pair's per-score rating counters are
	// exported only once its ratings (the latest rating of each delivery,
	// all time, as domain.Policy.ShowsSatisfaction counts them) reach the
	// anonymity minimum, and the at_risk clock follows its at-risk share.
	// Zero fields take their defaults (domain.Policy.WithDefaults).
	Policy domain.Policy
	// Now is the clock of the open-hand-off gauges and of the 30-day window;
	// default time.Now.
	Now func() time.Time
}

// Other is the label value of the pairs folded by BusinessOptions.TopPairs.
const Other = "_other"

// LeadTimeBuckets are the upper bounds, in seconds, of the lead-time
// histogram: one minute to ninety days.
var LeadTimeBuckets = []float64{
	60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600,
	86400, 2 * 86400, 4 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 60 * 86400, 90 * 86400,
}

var pairLabels = []string{"supplier", "customer"}

// Business is a prometheus.Collector that computes the business figures
// from the projections at scrape time.
type Business struct {
	tallies Tallies
	figures Figures
	opts    BusinessOptions

	counters    map[string]*prometheus.Desc
	slaOutcomes *prometheus.Desc
	open        *prometheus.Desc
	leadTime    *prometheus.Desc
	ratings     *prometheus.Desc
	friction    *prometheus.Desc
	compliance  *prometheus.Desc
}

// NewBusiness returns the collector of the tallies t and the figures f;
// register it with a prometheus.Registerer. Give both read models the
// policy of opts, fed by the same runner.
func NewBusiness(t Tallies, f Figures, opts BusinessOptions) *Business {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Policy = opts.Policy.WithDefaults()
	b := &Business{tallies: t, figures: f, opts: opts, counters: map[string]*prometheus.Desc{}}
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

var _ prometheus.Collector = (*Business)(nil)

// Describe sends the descriptors of every family.
func (b *Business) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range b.counters {
		ch <- d
	}
	for _, d := range []*prometheus.Desc{b.slaOutcomes, b.open, b.leadTime, b.ratings, b.friction, b.compliance} {
		ch <- d
	}
}

type pairKey struct{ supplier, customer string }

// Collect computes the figures and sends them as const metrics.
func (b *Business) Collect(ch chan<- prometheus.Metric) {
	now := b.opts.Now()
	totals := b.tallies.Totals()
	keep := b.kept(totals)
	label := func(supplier, customer string) pairKey {
		k := pairKey{supplier, customer}
		if keep != nil && !keep[k] {
			return pairKey{Other, Other}
		}
		return k
	}

	// Counters, folded.
	type sums struct {
		t       tallies.PairTotals
		buckets []uint64
		sum     float64
		count   uint64
	}
	folded := map[pairKey]*sums{}
	var order []pairKey
	for _, t := range totals {
		k := label(t.Supplier, t.Customer)
		s, ok := folded[k]
		if !ok {
			s = &sums{buckets: make([]uint64, len(LeadTimeBuckets))}
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
		for i, r := range t.Ratings {
			s.t.Ratings[i] += r
		}
		counts, sum, count := b.tallies.LeadTimeHistogram(t.Supplier, t.Customer, LeadTimeBuckets)
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
		buckets := make(map[float64]uint64, len(LeadTimeBuckets))
		for i, bound := range LeadTimeBuckets {
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
		if b.opts.Policy.ShowsSatisfaction(rated) {
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
func (b *Business) kept(totals []tallies.PairTotals) map[pairKey]bool {
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
