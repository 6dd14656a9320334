package pairstats

import (
	"slices"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Levels: for every hand-off the model records, in its pair's day buckets,
// the changes of three indicators as of each midnight: open, open and
// breached, open and at risk. A change recorded on day d takes effect at
// midnight d+1, so the level as of midnight D is the sum of the changes of
// the days before D.
//
// After each event of a hand-off (on day e) its state holds until its next
// event, so its levels for every midnight after e follow from the state
// alone: whether it is open, and, while the clock runs, the midnights at
// which supplier-owned time reaches the policy's at-risk share of the
// target (domain.Policy.AtRiskFrom) and exceeds it. The
// changes recorded on day e or later by the previous event are taken back
// and the new ones recorded; the midnights up to e are never touched again
// because later events of a hand-off never occur before earlier ones.

const (
	lvOpen = iota
	lvBreached
	lvAtRisk
)

// noDay means a threshold is never reached.
const noDay = int32(1<<31 - 1)

// searchDays bounds the search for the midnight a threshold is crossed with
// a calendar other than the wall clock.
const searchDays = 4096

func (m *Model) relevel(hs *handoff, e int32) {
	base := hs.base
	old := hs.pending[:0] // filtered in place
	for _, c := range hs.pending {
		if c.day < e {
			base[c.level] += c.d
		} else {
			old = append(old, c)
		}
	}
	var buf [6]levelChange
	next := buf[:0]
	var cbuf [3]levelChange // future's most
	v, changes := m.future(hs.h, e, cbuf[:0])
	for k := range nLevels {
		if d := v[k] - base[k]; d != 0 {
			next = append(next, levelChange{day: e, level: int8(k), d: d})
		}
	}
	next = append(next, changes...)
	hs.base = base
	if slices.Equal(old, next) {
		hs.pending = old
		return
	}
	s := &hs.pair.s
	for _, c := range old {
		s.bump(c.day, cOpen+int(c.level), -int32(c.d))
	}
	for _, c := range next {
		s.bump(c.day, cOpen+int(c.level), int32(c.d))
	}
	hs.pending = append(old[:0], next...)
}

// future returns the levels of h as of midnight e+1 and the changes after
// it, recorded on the day before the midnight they take effect, while h
// stays as it is: at most three, appended to changes (given with room for
// three, on the caller's stack, it makes no allocation).
func (m *Model) future(h *domain.Handoff, e int32, changes []levelChange) (v [nLevels]int8, _ []levelChange) {
	if !h.Open() {
		return v, nil
	}
	v[lvOpen] = 1
	a := h.Agreement
	if a == nil {
		return v, nil
	}
	target := a.ResolveWithin()
	risk := m.policy.AtRiskFrom(target)
	if !h.ClockRunning() {
		owned := h.SupplierOwned(m.clock(h), h.LastAt)
		if owned > target {
			v[lvBreached] = 1
		} else if owned >= risk {
			v[lvAtRisk] = 1
		}
		return v, nil
	}
	first := e + 1
	mr, mb := m.crossings(h, first, risk, target)
	if mb <= first {
		v[lvBreached] = 1
		return v, nil
	}
	if mr <= first {
		v[lvAtRisk] = 1
	} else if mr < mb {
		changes = append(changes, levelChange{day: mr - 1, level: lvAtRisk, d: 1})
	}
	if mb != noDay {
		if mr < mb {
			changes = append(changes, levelChange{day: mb - 1, level: lvAtRisk, d: -1})
		}
		changes = append(changes, levelChange{day: mb - 1, level: lvBreached, d: 1})
	}
	return v, changes
}

// crossings returns the first midnights from first on at which the
// supplier-owned time of h, whose clock runs, is at least risk (mr) and
// exceeds target (mb); noDay when never.
func (m *Model) crossings(h *domain.Handoff, first int32, risk, target time.Duration) (mr, mb int32) {
	cal := m.clock(h)
	if _, wall := cal.(domain.WallClock); wall {
		start := h.Owned[len(h.Owned)-1].From
		base := h.SupplierOwned(cal, start)
		// owned(t) = base + (t - start): it exceeds target after tb and
		// reaches risk at tr.
		tb := start.Add(target - base)
		mb = max(dayIndex(tb, m.loc)+1, first)
		tr := start.Add(risk - base)
		mr = dayIndex(tr, m.loc)
		if !midnight(mr, m.loc).Equal(tr) {
			mr++
		}
		return max(mr, first), mb
	}
	if dc, ok := cal.(domain.DeadlineCalendar); ok {
		return m.deadlineCrossings(h, dc, first, risk, target)
	}
	owned := func(d int32) time.Duration { return h.SupplierOwned(cal, midnight(d, m.loc)) }
	search := func(ok func(time.Duration) bool) int32 {
		lo, hi := first, first+searchDays
		if !ok(owned(hi - 1)) {
			return noDay
		}
		for lo < hi {
			mid := lo + (hi-lo)/2
			if ok(owned(mid)) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return lo
	}
	mr = search(func(o time.Duration) bool { return o >= risk })
	mb = search(func(o time.Duration) bool { return o > target })
	return mr, mb
}
