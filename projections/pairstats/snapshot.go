package pairstats

import (
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/internal/dursum"
	"github.com/cadena-project/cadena/projections/internal/lazysort"
)

var _ projections.Snapshotter = (*Model)(nil)

// SnapshotName names the model's snapshot encoding.
func (m *Model) SnapshotName() string { return "pairstats/3" }

// SaveSnapshot writes the model's state: the pairs in order with their
// buckets, then every hand-off with the number of its pair, whether it is
// open and the contributions it may take back.
func (m *Model) SaveSnapshot(e *projections.Encoder) {
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	e.Calendars(&m.cals)
	e.Time(m.first)
	e.Time(m.last)
	num := make(map[*pair]uint64, len(m.sorted.Items()))
	e.Uint(uint64(len(m.sorted.Items())))
	for i, p := range m.sorted.Items() {
		num[p] = uint64(i)
		e.Symbol(p.supplier)
		e.Symbol(p.customer)
		saveBuckets(e, p.s.dayKeys, p.s.days)
		saveBuckets(e, p.s.monthKeys, p.s.months)
		saveBucket(e, &p.s.total)
	}
	m.nums.Save(e)
	e.Uint(uint64(m.handoffs.Len()))
	for i := range m.handoffs.Len() {
		hs := m.handoffs.Get(uint32(i + 1))
		if hs.pair == nil {
			e.Uint(0)
			continue
		}
		open := hs.open.In()
		e.Uint(num[hs.pair] + 1)
		e.Bool(open)
		e.Bool(hs.responded)
		c := &hs.completion
		e.Bool(c.ok)
		e.Int(int64(c.day))
		e.Duration(c.lead)
		e.Int(int64(c.idx))
		e.Int(int64(c.sla))
		r := &hs.rating
		e.Bool(r.ok)
		e.Int(int64(r.day))
		e.Int(int64(r.delivery))
		e.Int(int64(r.score))
		for _, b := range hs.base {
			e.Int(int64(b))
		}
		e.Uint(uint64(len(hs.pending)))
		for _, lc := range hs.pending {
			e.Int(int64(lc.day))
			e.Int(int64(lc.level))
			e.Int(int64(lc.d))
		}
		e.HandoffRef(hs.h)
	}
}

func saveBuckets(e *projections.Encoder, keys []int32, bs []bucket) {
	e.Uint(uint64(len(keys)))
	for i, k := range keys {
		e.Int(int64(k))
		saveBucket(e, &bs[i])
	}
}

func saveBucket(e *projections.Encoder, b *bucket) {
	for _, c := range b.c {
		e.Int(int64(c))
	}
	e.Int(b.lead.Sec)
	e.Int(b.lead.Nsec)
	e.Int(b.resp.Sec)
	e.Int(b.resp.Nsec)
	saveBins(e, b.leadBins)
	saveBins(e, b.respBins)
}

func saveBins(e *projections.Encoder, bins []bin) {
	e.Uint(uint64(len(bins)))
	for _, b := range bins {
		e.Int(int64(b.idx))
		e.Int(int64(b.n))
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (m *Model) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	cals := d.Calendars()
	first, last := d.Time(), d.Time()
	sorted := make([]*pair, d.Len(1<<30))
	pairs := make(map[pairKey]*pair, len(sorted))
	for i := range sorted {
		k := pairKey{d.Symbol(), d.Symbol()}
		p := &pair{pairKey: k}
		p.s.dayKeys, p.s.days = loadBuckets(d)
		p.s.monthKeys, p.s.months = loadBuckets(d)
		loadBucket(d, &p.s.total)
		sorted[i], pairs[k] = p, p
	}
	nums := projections.LoadNums(d)
	n := d.Len(1 << 32)
	var handoffs projections.Slots[handoff]
	kinds := map[string]string{}
	for i := range n {
		pi := d.Len(len(sorted))
		if d.Err() != nil {
			break
		}
		if pi == 0 {
			continue
		}
		hs := handoffs.At(uint32(i + 1))
		hs.pair = sorted[pi-1]
		open := d.Bool()
		hs.responded = d.Bool()
		hs.completion = contribution{ok: d.Bool(), day: int32(d.Int()), lead: d.Duration(), idx: int32(d.Int()), sla: int8(d.Int())}
		hs.rating = ratingRef{ok: d.Bool(), day: int32(d.Int()), delivery: int32(d.Int()), score: int8(d.Int())}
		for k := range hs.base {
			hs.base[k] = int8(d.Int())
		}
		if np := d.Len(1 << 20); np > 0 {
			hs.pending = make([]levelChange, np)
			for j := range hs.pending {
				hs.pending[j] = levelChange{day: int32(d.Int()), level: int8(d.Int()), d: int8(d.Int())}
			}
		}
		hs.h = d.HandoffRef()
		if open {
			hs.pair.open.Add(hs)
		}
		if hs.h != nil {
			kinds[hs.h.Kind] = hs.h.Kind
		}
	}
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.pos, m.cals, m.first, m.last = pos, cals, first, last
		m.pairs, m.sorted, m.handoffs, m.nums, m.kinds = pairs, lazysort.NewList(byPair, sorted...), handoffs, nums, kinds
	}
}

func loadBuckets(d *projections.Decoder) ([]int32, []bucket) {
	n := d.Len(1 << 24)
	if n == 0 {
		return nil, nil
	}
	keys, bs := make([]int32, n), make([]bucket, n)
	for i := range keys {
		keys[i] = int32(d.Int())
		loadBucket(d, &bs[i])
	}
	return keys, bs
}

func loadBucket(d *projections.Decoder, b *bucket) {
	for i := range b.c {
		b.c[i] = int32(d.Int())
	}
	b.lead = dursum.Sum{Sec: d.Int(), Nsec: d.Int()}
	b.resp = dursum.Sum{Sec: d.Int(), Nsec: d.Int()}
	b.leadBins = loadBins(d)
	b.respBins = loadBins(d)
}

func loadBins(d *projections.Decoder) []bin {
	n := d.Len(1 << 24)
	if n == 0 {
		return nil
	}
	bins := make([]bin, n)
	for i := range bins {
		bins[i] = bin{idx: int32(d.Int()), n: int32(d.Int())}
	}
	return bins
}

var _ projections.Resetter = (*Model)(nil)

// ResetState drops the model's state, leaving it as New returned it.
func (m *Model) ResetState() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clearState()
}

// clearState sets the folded state to that of an empty log: New's, and
// ResetState's.
func (m *Model) clearState() {
	m.pos, m.cals, m.pairs, m.sorted = 0, domain.Calendars{}, map[pairKey]*pair{}, lazysort.NewList(byPair)
	m.handoffs, m.nums, m.kinds = projections.Slots[handoff]{}, projections.Nums{}, map[string]string{}
	m.first, m.last = time.Time{}, time.Time{}
}
