package metrics

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// HistoryState is the fresh read models a history export folds the log
// through, as serve wires them for the business collector: the tallies and
// the figures it reads, and every handler to feed (those read models, or
// what feeds them).
type HistoryState struct {
	Tallies  Tallies
	Figures  Figures
	Handlers []projections.Handler
}

// HistoryOptions say which instants a history export samples and how.
type HistoryOptions struct {
	// From and To bound the samples (both included): one every Step from
	// From, the last at or before To.
	From, To time.Time
	Step     time.Duration
	// TopPairs and Policy are those of the business collector
	// (BusinessOptions): the same value /metrics is given.
	TopPairs int
	Policy   domain.Policy
	// Labels are added to every series: the job and instance labels a
	// scrape would add, so back-filled and scraped samples form one series.
	Labels map[string]string
}

// ErrBadHistoryRange is returned by WriteHistory for a Step that is not
// positive or a To before From.
var ErrBadHistoryRange = errors.New("want a positive step and from at or before to")

// WriteHistory writes to w, as OpenMetrics text ending with "# EOF", the
// business families /metrics would have exported at each step from
// opts.From to opts.To, each sample stamped with its instant: the input of
// "promtool tsdb create-blocks-from openmetrics".
//
// events are the log in commit order and state fresh read models. The
// events are folded once, in business time order (an event with no
// business time keeps its place after the event before it in the log), and
// the collector samples the state at each step with that step as its now:
// counters count the events at or before it, open clocks are as of it, and
// the 30-day window ends at it. Families come one after the other, each
// series' samples in time order, as OpenMetrics and the TSDB want them;
// all samples are held in memory until the end.
func WriteHistory(w io.Writer, events []projections.Envelope, state HistoryState, opts HistoryOptions) error {
	if opts.Step <= 0 || opts.To.Before(opts.From) {
		return ErrBadHistoryRange
	}
	ordered := inTimeOrder(events)

	var now time.Time
	reg := prometheus.NewPedanticRegistry()
	if err := prometheus.WrapRegistererWith(opts.Labels, reg).Register(NewBusiness(state.Tallies, state.Figures, BusinessOptions{TopPairs: opts.TopPairs, Policy: opts.Policy,
		Now: func() time.Time { return now }})); err != nil {
		return err
	}
	h := history{families: map[string]*historyFamily{}}
	next := 0
	for now = opts.From; !now.After(opts.To); now = now.Add(opts.Step) {
		for ; next < len(ordered) && !ordered[next].at.After(now); next++ {
			env := ordered[next].env
			env.Position = uint64(next + 1) // the fold's own order
			for _, h := range state.Handlers {
				h.Apply(env)
			}
		}
		fams, err := reg.Gather()
		if err != nil {
			return fmt.Errorf("sampling at %s: %w", now.Format(time.RFC3339), err)
		}
		h.add(fams, now.UnixMilli())
	}
	return h.write(w)
}

type timed struct {
	env projections.Envelope
	at  time.Time
}

// inTimeOrder sorts the events by business time, stably.
func inTimeOrder(events []projections.Envelope) []timed {
	out := make([]timed, len(events))
	var last time.Time
	for i, env := range events {
		if at := domain.OccurredAt(env.Event); !at.IsZero() {
			last = at
		}
		out[i] = timed{env, last}
	}
	slices.SortStableFunc(out, func(a, b timed) int { return a.at.Compare(b.at) })
	return out
}

// history is the samples of every family, by series.
type history struct {
	families map[string]*historyFamily
}

type historyFamily struct {
	name, help string
	typ        dto.MetricType
	series     map[string][]*dto.Metric
}

func (h *history) add(fams []*dto.MetricFamily, ms int64) {
	for _, mf := range fams {
		f, ok := h.families[mf.GetName()]
		if !ok {
			f = &historyFamily{name: mf.GetName(), help: mf.GetHelp(), typ: mf.GetType(), series: map[string][]*dto.Metric{}}
			h.families[f.name] = f
		}
		for _, m := range mf.GetMetric() {
			m.TimestampMs = &ms
			k := seriesKey(m)
			f.series[k] = append(f.series[k], m)
		}
	}
}

// seriesKey identifies a series by its labels (Gather sorts them).
func seriesKey(m *dto.Metric) string {
	var b strings.Builder
	for _, l := range m.GetLabel() {
		b.WriteString(l.GetName())
		b.WriteByte('=')
		b.WriteString(l.GetValue())
		b.WriteByte(0xff)
	}
	return b.String()
}

func (h *history) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	names := make([]string, 0, len(h.families))
	for n := range h.families {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f := h.families[n]
		keys := make([]string, 0, len(f.series))
		for k := range f.series {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, cmp.Compare)
		mf := &dto.MetricFamily{Name: &f.name, Help: &f.help, Type: &f.typ}
		for _, k := range keys {
			mf.Metric = append(mf.Metric, f.series[k]...)
		}
		if _, err := expfmt.MetricFamilyToOpenMetrics(bw, mf); err != nil {
			return err
		}
	}
	if _, err := expfmt.FinalizeOpenMetrics(bw); err != nil {
		return err
	}
	return bw.Flush()
}
