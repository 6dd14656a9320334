package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

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
// 30-day gauges: each pair's friction score and compliance);
// *pairstats.Model satisfies it.
type Figures interface {
	ParseWindow(from, to string, now time.Time) (pairstats.Window, error)
	Scores(w pairstats.Window) []pairstats.Score
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
	// anonymity minimum (_other's only while every pair folded into it
	// with a rating does), and the at_risk clock follows its at-risk share.
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

// Business is a prometheus.Collector of the business figures, computed
// from the projections at scrape time, and a prometheus.Gatherer of them
// (see WithBusiness) that keeps the families between scrapes: only the
// series whose values changed are made again (scrape.go).
type Business struct {
	tallies Tallies
	figures Figures
	opts    BusinessOptions
	fams    [nFamilies]family
	byName  []int // family indexes by name

	mu       sync.Mutex
	last     *snapshot     // the latest scrape
	inflight *scrapeFlight // the scrape being computed
}

// NewBusiness returns the collector of the tallies t and the figures f;
// register it with a prometheus.Registerer, or serve it beside a registry
// with WithBusiness. Give both read models the policy of opts, fed by the
// same runner.
func NewBusiness(t Tallies, f Figures, opts BusinessOptions) *Business {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Policy = opts.Policy.WithDefaults()
	b := &Business{tallies: t, figures: f, opts: opts}
	counter, gauge := dto.MetricType_COUNTER, dto.MetricType_GAUGE
	for i, what := range []string{"requested", "delivered", "returned", "escalated", "cancelled"} {
		b.fams[fRequested+i] = newFamily("cadena_handoffs_"+what+"_total", counter,
			"Hand-offs "+what+" (events in the log, all time), by supplier and customer department.", "")
	}
	b.fams[fOutcomes] = newFamily("cadena_handoff_sla_outcomes_total", counter,
		"Deliveries of hand-offs with an agreement, by whether the supplier-owned time up to that delivery was within the resolve target.",
		"outcome", "breached", "met")
	b.fams[fOpen] = newFamily("cadena_handoffs_open", gauge,
		fmt.Sprintf("Open hand-offs now, by the state of their SLA clock: running or paused (these two add up to the open hand-offs), at_risk (at least %s%% of the target) or breached.",
			strconv.FormatFloat(100*opts.Policy.AtRiskRatio, 'f', -1, 64)),
		"clock", "at_risk", "breached", "paused", "running")
	b.fams[fLeadTime] = newFamily("cadena_handoff_lead_time_seconds", dto.MetricType_HISTOGRAM,
		"Wall-clock time from request to delivery, observed at every delivery (all time).", "")
	b.fams[fRatings] = newFamily("cadena_handoff_ratings_total", counter,
		"Ratings by score, re-ratings included; exported for a pair once it has the anonymity minimum of ratings.",
		"score", "1", "2", "3", "4", "5")
	b.fams[fFriction] = newFamily("cadena_pair_friction_score", gauge,
		"Friction score (0 to 100) of a pair over the last 30 days.", "")
	b.fams[fCompliance] = newFamily("cadena_pair_sla_compliance_ratio", gauge,
		"Share of a pair's evaluated hand-offs within the resolve target over the last 30 days (absent when none was evaluated).", "")
	for i := range b.fams {
		b.byName = append(b.byName, i)
	}
	slices.SortFunc(b.byName, func(x, y int) int { return cmp.Compare(b.fams[x].name, b.fams[y].name) })
	return b
}

var (
	_ prometheus.Collector = (*Business)(nil)
	_ prometheus.Gatherer  = (*Business)(nil)
)

// Describe sends the descriptors of every family.
func (b *Business) Describe(ch chan<- *prometheus.Desc) {
	for i := range b.fams {
		ch <- b.fams[i].desc
	}
}

type pairKey struct{ supplier, customer string }

// Collect sends the series of the latest scrape, made again where the
// figures changed (see Gather).
func (b *Business) Collect(ch chan<- prometheus.Metric) {
	snap := b.scrape()
	for i := range snap.fams {
		f := &b.fams[snap.index[i]]
		for _, m := range snap.fams[i].Metric {
			ch <- prepared{f.desc, m}
		}
	}
}

// Gather returns the business families, sorted by name, each series
// sorted by its labels, as a prometheus.Registry gathering the collector
// would. Concurrent calls share one computation. The families are shared
// with other callers: read them, never modify them.
func (b *Business) Gather() ([]*dto.MetricFamily, error) {
	return b.scrape().fams, nil
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
