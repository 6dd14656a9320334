package pairstats

import "github.com/cadena-project/cadena/domain"

// Figures are the figures of one pair (or of a department's side, with "*"
// for the other side) over one window. The JSON is served as is; field
// names are fixed. Null marks a figure that is undefined (no data) or
// hidden (anonymity).
type Figures struct {
	Supplier       string       `json:"supplier"`
	Customer       string       `json:"customer"`
	Requested      int          `json:"requested"`
	Delivered      int          `json:"delivered"`
	Returned       int          `json:"returned"`
	ReworkRate     float64      `json:"rework_rate"`
	Escalated      int          `json:"escalated"`
	EscalationRate float64      `json:"escalation_rate"`
	Cancelled      int          `json:"cancelled"`
	Completed      int          `json:"completed"`
	Open           int          `json:"open"`
	LeadTime       LeadTime     `json:"lead_time_s"`
	ResponseTime   ResponseTime `json:"response_time_s"`
	SLA            SLA          `json:"sla"`
	ResponseSLA    ResponseSLA  `json:"response_sla"`
	Satisfaction   Satisfaction `json:"satisfaction"`
	Friction       Friction     `json:"friction"`
}

// LeadTime is the distribution of lead times in seconds over completed
// hand-offs. Quantiles come from a DDSketch (relative error at most 1%);
// the mean is exact. All but Count are nil when Count is 0.
type LeadTime struct {
	Count int      `json:"count"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P95   *float64 `json:"p95"`
	P99   *float64 `json:"p99"`
	Mean  *float64 `json:"mean"`
}

// ResponseTime is the distribution of first-response times in seconds.
type ResponseTime struct {
	Count int      `json:"count"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	Mean  *float64 `json:"mean"`
}

// SLA is the resolve target's outcome. Compliance is nil when
// Met+Breached+OpenBreached is 0.
type SLA struct {
	Met          int      `json:"met"`
	Breached     int      `json:"breached"`
	OpenBreached int      `json:"open_breached"`
	AtRisk       int      `json:"at_risk"`
	Compliance   *float64 `json:"compliance"`
}

// ResponseSLA is the respond target's outcome. Compliance is nil when
// Met+Breached is 0.
type ResponseSLA struct {
	Met        int      `json:"met"`
	Breached   int      `json:"breached"`
	Compliance *float64 `json:"compliance"`
}

// Satisfaction summarises ratings. Under anonymity (fewer ratings than
// the policy's anonymity minimum, domain.Policy.ShowsSatisfaction) every
// field but Ratings is nil.
type Satisfaction struct {
	Ratings      int           `json:"ratings"`
	Mean         *float64      `json:"mean"`
	CSAT         *float64      `json:"csat"`
	Dissatisfied *float64      `json:"dissatisfied"`
	Distribution *Distribution `json:"distribution"`
}

// Distribution counts ratings per score.
type Distribution struct {
	One   int `json:"1"`
	Two   int `json:"2"`
	Three int `json:"3"`
	Four  int `json:"4"`
	Five  int `json:"5"`
}

// Friction is the weighted friction score and its parts.
type Friction struct {
	Score     float64 `json:"score"`
	Drivers   Drivers `json:"drivers"`
	TopDriver string  `json:"top_driver"`
}

// Drivers are the weighted contributions to the friction score; they sum
// to it.
type Drivers struct {
	Breach          float64 `json:"breach"`
	Rework          float64 `json:"rework"`
	Dissatisfaction float64 `json:"dissatisfaction"`
	Escalation      float64 `json:"escalation"`
}

// Friction weights.
const (
	WeightBreach          = 0.35
	WeightRework          = 0.25
	WeightDissatisfaction = 0.25
	WeightEscalation      = 0.15
)

// zero reports whether the figures show no activity at all.
func (f *Figures) zero() bool {
	return f.Requested == 0 && f.Delivered == 0 && f.Returned == 0 && f.Escalated == 0 &&
		f.Cancelled == 0 && f.Completed == 0 && f.Open == 0 && f.ResponseTime.Count == 0 &&
		f.SLA.OpenBreached == 0 && f.SLA.AtRisk == 0 && f.Satisfaction.Ratings == 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ptr(v float64) *float64 { return &v }

// slab hands out pointers for the figures of one query from a few large
// allocations rather than one per figure.
type slab struct {
	floats []float64
	dists  []Distribution
}

func (s *slab) ptr(v float64) *float64 {
	if s == nil {
		return ptr(v)
	}
	if len(s.floats) == cap(s.floats) {
		s.floats = make([]float64, 0, 256)
	}
	s.floats = append(s.floats, v)
	return &s.floats[len(s.floats)-1]
}

func (s *slab) dist(d Distribution) *Distribution {
	if s == nil {
		return &d
	}
	if len(s.dists) == cap(s.dists) {
		s.dists = make([]Distribution, 0, 64)
	}
	s.dists = append(s.dists, d)
	return &s.dists[len(s.dists)-1]
}

// finish computes the derived figures (rates, compliance, friction) from the
// counts already set.
func (f *Figures) finish(sl *slab) {
	f.ReworkRate = ratio(f.Returned, f.Delivered)
	f.EscalationRate = min(ratio(f.Escalated, f.Requested), 1)
	if n := f.SLA.Met + f.SLA.Breached + f.SLA.OpenBreached; n > 0 {
		f.SLA.Compliance = sl.ptr(float64(f.SLA.Met) / float64(n))
	}
	if n := f.ResponseSLA.Met + f.ResponseSLA.Breached; n > 0 {
		f.ResponseSLA.Compliance = sl.ptr(float64(f.ResponseSLA.Met) / float64(n))
	}
	breach, dissatisfied := 0.0, 0.0
	if f.SLA.Compliance != nil {
		breach = 1 - *f.SLA.Compliance
	}
	if f.Satisfaction.Dissatisfied != nil {
		dissatisfied = *f.Satisfaction.Dissatisfied
	}
	d := Drivers{
		Breach:          100 * WeightBreach * breach,
		Rework:          100 * WeightRework * f.ReworkRate,
		Dissatisfaction: 100 * WeightDissatisfaction * dissatisfied,
		Escalation:      100 * WeightEscalation * f.EscalationRate,
	}
	f.Friction = Friction{Score: d.Breach + d.Rework + d.Dissatisfaction + d.Escalation, Drivers: d, TopDriver: "none"}
	if f.Friction.Score > 0 {
		top, best := "breach", d.Breach
		if d.Rework > best {
			top, best = "rework", d.Rework
		}
		if d.Dissatisfaction > best {
			top, best = "dissatisfaction", d.Dissatisfaction
		}
		if d.Escalation > best {
			top = "escalation"
		}
		f.Friction.TopDriver = top
	}
}

// setRatings fills Satisfaction from counts per score (index 0 is score 1);
// hide hides all but the count, as too few ratings do.
func (f *Figures) setRatings(counts [5]int, p domain.Policy, hide bool, sl *slab) {
	n, sum := 0, 0
	for i, c := range counts {
		n += c
		sum += (i + 1) * c
	}
	f.Satisfaction = Satisfaction{Ratings: n}
	if hide || !p.ShowsSatisfaction(n) {
		return
	}
	f.Satisfaction.Mean = sl.ptr(float64(sum) / float64(n))
	f.Satisfaction.CSAT = sl.ptr(float64(counts[3]+counts[4]) / float64(n))
	f.Satisfaction.Dissatisfied = sl.ptr(float64(counts[0]+counts[1]) / float64(n))
	f.Satisfaction.Distribution = sl.dist(Distribution{counts[0], counts[1], counts[2], counts[3], counts[4]})
}
