package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// assemble sets snap.fams: the families with series, by name, their
// series in the order a registry sorts them (by label values, the labels
// by name) without sorting them: label pairs are walked by customer, then
// supplier, and an extra label's values either outside (clock, which sorts
// before customer) or within each customer (outcome, score). A family
// whose group has the label pairs it had in prev and none of whose series
// was made again is prev's.
func (b *Business) assemble(snap, prev *snapshot) {
	var sameKeysOf [nGroups]bool
	if prev != nil {
		for g := range nGroups {
			sameKeysOf[g] = slices.Equal(snap.groups[g].keys, prev.groups[g].keys)
		}
	}
	if prev != nil && len(prev.keys) == len(snap.pairs) && sameKeys(prev.keys, snap.pairs) {
		snap.keys, snap.pms = prev.keys, prev.pms
	} else {
		snap.keys = make([]pairKey, 0, len(snap.pairs))
		for k := range snap.pairs {
			snap.keys = append(snap.keys, k)
		}
		slices.SortFunc(snap.keys, func(x, y pairKey) int {
			return cmp.Or(cmp.Compare(x.customer, y.customer), cmp.Compare(x.supplier, y.supplier))
		})
		snap.pms = make([]*pairMetrics, len(snap.keys))
		for i, k := range snap.keys {
			snap.pms[i] = snap.pairs[k]
		}
	}
	keys, pms := snap.keys, snap.pms
	for _, f := range b.byName {
		if sameKeysOf[groupOf(f)] && !snap.changed[f] {
			if mf := prev.byFam[f]; mf != nil {
				snap.byFam[f] = mf
				snap.fams = append(snap.fams, mf)
				snap.index = append(snap.index, f)
			}
			continue
		}
		fam := &b.fams[f]
		g := groupOf(f)
		in := func(pm *pairMetrics) bool {
			switch g {
			case gOpen:
				return pm.inOpen
			case gScores:
				return pm.inScores
			}
			return pm.inCounters
		}
		var ms []*dto.Metric
		add := func(lo, hi, v int) {
			for _, pm := range pms[lo:hi] {
				if s := pm.series[f]; in(pm) && v < len(s) && s[v] != nil {
					ms = append(ms, s[v])
				}
			}
		}
		nv := max(len(fam.values), 1)
		switch {
		case fam.extraFirst:
			for v := range nv {
				add(0, len(pms), v)
			}
		default:
			for lo := 0; lo < len(keys); {
				hi := lo + 1
				for hi < len(keys) && keys[hi].customer == keys[lo].customer {
					hi++
				}
				for v := range nv {
					add(lo, hi, v)
				}
				lo = hi
			}
		}
		if len(ms) == 0 {
			continue
		}
		mf := &dto.MetricFamily{Name: &fam.name, Help: &fam.help, Type: fam.typ.Enum(), Metric: ms}
		snap.byFam[f] = mf
		snap.fams = append(snap.fams, mf)
		snap.index = append(snap.index, f)
	}
}

// sameKeys reports whether every label pair of keys is in pairs.
func sameKeys(keys []pairKey, pairs map[pairKey]*pairMetrics) bool {
	for _, k := range keys {
		if _, ok := pairs[k]; !ok {
			return false
		}
	}
	return true
}

// prepared hands a series made before to a registry.
type prepared struct {
	desc *prometheus.Desc
	m    *dto.Metric
}

func (p prepared) Desc() *prometheus.Desc { return p.desc }

func (p prepared) Write(out *dto.Metric) error {
	out.Label, out.Counter, out.Gauge, out.Histogram = p.m.Label, p.m.Counter, p.m.Gauge, p.m.Histogram
	return nil
}

// WithBusiness returns a Gatherer of the families of reg and of b merged
// in name order: serve /metrics from it, rather than registering b with
// reg, so that the business series are made only when they change and not
// checked and sorted again at every scrape. A family that both hold is an
// error, reported with the families of reg.
func WithBusiness(reg prometheus.Gatherer, b *Business) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		ops, err := reg.Gather()
		biz, _ := b.Gather()
		out := make([]*dto.MetricFamily, 0, len(ops)+len(biz))
		i, j := 0, 0
		for i < len(ops) || j < len(biz) {
			switch {
			case j == len(biz) || (i < len(ops) && ops[i].GetName() < biz[j].GetName()):
				out = append(out, ops[i])
				i++
			case i == len(ops) || biz[j].GetName() < ops[i].GetName():
				out = append(out, biz[j])
				j++
			default:
				err = errors.Join(err, fmt.Errorf("metric family %s gathered twice", biz[j].GetName()))
				out = append(out, ops[i])
				i++
				j++
			}
		}
		return out, err
	})
}
