package pairstats

import (
	"fmt"

	"github.com/cadena-project/cadena/domain"
)

// Step is the length of the buckets of a series.
type Step string

// The steps of a series. Days are the policy's days (midnight in its
// Location); weeks start on Monday; months are calendar months.
const (
	StepDay   Step = "day"
	StepWeek  Step = "week"
	StepMonth Step = "month"
)

// MaxSeriesBuckets bounds the buckets of one series.
const MaxSeriesBuckets = 400

// ParseStep parses a step; "" is StepWeek. The error is a *WindowError
// naming "step" (wrapping ErrBadWindow).
func ParseStep(s string) (Step, error) {
	switch Step(s) {
	case "":
		return StepWeek, nil
	case StepDay, StepWeek, StepMonth:
		return Step(s), nil
	}
	return "", &WindowError{Field: "step", Reason: fmt.Sprintf("must be day, week or month, got %q", s)}
}

// Side is the side of a department in a series: its figures as a supplier
// (customer "*") or as a customer (supplier "*").
type Side string

// The sides.
const (
	SideSupplier Side = "supplier"
	SideCustomer Side = "customer"
)

// SeriesBucket is one bucket of a series: the figures over [From, To), a window
// of its own (levels as of To, the anonymity rule applied to the bucket's
// ratings alone). The JSON is {"from", "to", ...the figures' fields}, with
// dates as YYYY-MM-DD.
type SeriesBucket struct {
	From string `json:"from"`
	To   string `json:"to"`
	Figures
}

// nextBoundary returns the first day after d that starts a bucket of step.
func nextBoundary(d int32, step Step) int32 {
	switch step {
	case StepDay:
		return d + 1
	case StepWeek:
		// Day 0 (1970-01-01) is a Thursday: Monday is 3 days before.
		wd := ((d+3)%7 + 7) % 7 // 0 on Monday
		return d - wd + 7
	default:
		return monthStart(monthOf(d) + 1)
	}
}

// spans cuts days [d0, d1) at the step's boundaries: the first and last
// spans are clipped to the window. An error (a *domain.ValidationError
// naming "step") when there would be more than MaxSeriesBuckets.
func spans(d0, d1 int32, step Step) ([][2]int32, error) {
	var out [][2]int32
	for d := d0; d < d1; {
		e := min(nextBoundary(d, step), d1)
		if len(out) == MaxSeriesBuckets {
			return nil, &domain.ValidationError{Field: "step", Msg: fmt.Sprintf(
				"the window from %s to %s has more than %d buckets of a %s; take a longer step or a shorter window",
				formatDay(d0), formatDay(d1), MaxSeriesBuckets, step)}
		}
		out = append(out, [2]int32{d, e})
		d = e
	}
	return out, nil
}

// CheckSeriesSpan reports the error of spans for a window given as dates
// (YYYY-MM-DD), before any other bound of a window applies: a series of
// more than MaxSeriesBuckets is refused naming "step", however long its
// window. Dates that do not parse or are out of order are left to
// ParseWindow.
func CheckSeriesSpan(from, to string, step Step) error {
	d0, err0 := parseDay(from)
	d1, err1 := parseDay(to)
	if err0 != nil || err1 != nil || d0 >= d1 {
		return nil
	}
	_, err := spans(d0, d1, step)
	return err
}

// Buckets returns the windows of a series over w: cut at the step's
// boundaries, the first and last clipped to w. Its error is that of
// spans.
func (m *Model) Buckets(w Window, step Step) ([]Window, error) {
	d0, d1 := m.days(w)
	sp, err := spans(d0, d1, step)
	if err != nil {
		return nil, err
	}
	out := make([]Window, len(sp))
	for i, s := range sp {
		out[i] = Window{From: midnight(s[0], m.loc), To: midnight(s[1], m.loc)}
	}
	return out, nil
}

// PairSeries returns the figures of one pair per bucket of w (see
// Buckets): each bucket equals Pair over its own window. It reads the
// pre-aggregated day and month buckets only.
func (m *Model) PairSeries(supplier, customer string, w Window, step Step) ([]SeriesBucket, error) {
	return m.series(w, step, supplier, customer, func(p *pair) bool {
		return p.supplier == supplier && p.customer == customer
	})
}

// DepartmentSeries returns a department's figures on one side per bucket
// of w: each bucket equals the side's figures of Scorecard over its own
// window.
func (m *Model) DepartmentSeries(department string, side Side, w Window, step Step) ([]SeriesBucket, error) {
	if side == SideCustomer {
		return m.series(w, step, "*", department, func(p *pair) bool { return p.customer == department })
	}
	return m.series(w, step, department, "*", func(p *pair) bool { return p.supplier == department })
}

func (m *Model) series(w Window, step Step, supplier, customer string, in func(*pair) bool) ([]SeriesBucket, error) {
	d0, d1 := m.days(w)
	sp, err := spans(d0, d1, step)
	if err != nil {
		return nil, err
	}
	a := accPool.Get().(*acc)
	defer accPool.Put(a)
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	var ps []*pair
	if supplier != "*" && customer != "*" {
		if p, ok := m.pairs[pairKey{supplier, customer}]; ok {
			ps = append(ps, p)
		}
	} else {
		for _, p := range m.sorted.Items() {
			if in(p) {
				ps = append(ps, p)
			}
		}
	}
	out := make([]SeriesBucket, len(sp))
	sl := &slab{}
	for i, s := range sp {
		a.reset()
		for _, p := range ps {
			m.accumulateMember(p, s[0], s[1], a)
		}
		out[i] = SeriesBucket{From: formatDay(s[0]), To: formatDay(s[1]), Figures: m.figures(supplier, customer, a, sl)}
	}
	a.reset()
	return out, nil
}
