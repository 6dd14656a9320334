package pairstats

import (
	"encoding/json"
	"sync"
)

// Query cache: the answers of the window queries (Pairs, Hotspots, Chain,
// Scorecard, the JSON of Pairs and of Chain) are kept for the position they were
// computed at, and every answer is dropped as soon as the model applies
// another event. Concurrent callers asking the same question at the same
// position share one computation.

// maxCached bounds the answers kept for one position, and maxWeight their
// size, in figures (a pair's Figures, about 1 KB of JSON): when either is
// reached, the answers kept are dropped.
const (
	maxCached = 256
	maxWeight = 32_000
)

// weight is the size of an answer, in figures.
func weight(v any) int {
	switch v := v.(type) {
	case []Figures:
		return len(v)
	case encoded:
		return len(v.b) / 1024
	case Chain:
		return len(v.Edges) / 4
	case []Score:
		return len(v) / 8
	}
	return 1
}

type queryKind uint8

const (
	qPairs queryKind = iota
	qPairsJSON
	qHotspots
	qChain
	qScorecard
	qScores
	qChainJSON
)

// queryKey names one question: its kind, its days and its arguments.
type queryKey struct {
	kind       queryKind
	d0, d1     int32
	minVolume  int
	limit      int
	department string
}

type flight struct {
	done chan struct{}
	v    any
}

type queryCache struct {
	mu     sync.Mutex
	pos    uint64
	m      map[queryKey]*flight
	weight int // of the answers in m
}

// do returns the answer to k at position pos: the one computed already,
// or the one being computed by another caller, or compute's. A caller at
// an older position than the cache's computes without caching.
func (c *queryCache) do(pos uint64, k queryKey, compute func() any) any {
	c.mu.Lock()
	if pos < c.pos {
		c.mu.Unlock()
		return compute()
	}
	if f, ok := c.m[k]; ok && pos == c.pos {
		c.mu.Unlock()
		<-f.done
		return f.v
	}
	if pos > c.pos || c.m == nil || len(c.m) >= maxCached || c.weight >= maxWeight {
		c.pos, c.m, c.weight = pos, map[queryKey]*flight{}, 0
	}
	f := &flight{done: make(chan struct{})}
	c.m[k] = f
	c.mu.Unlock()
	defer close(f.done)
	f.v = compute()
	c.mu.Lock()
	if c.m[k] == f {
		c.weight += weight(f.v)
	}
	c.mu.Unlock()
	return f.v
}

// cached returns the answer to k computed with m.mu read-locked, at the
// position the model holds.
func (m *Model) cached(k queryKey, compute func() any) any {
	m.sorted.RLock(&m.mu)
	defer m.mu.RUnlock()
	return m.queries.do(m.pos, k, compute)
}

type encoded struct {
	b   []byte
	err error
}

// PairsJSON returns the JSON array of Pairs(w), as encoding/json encodes
// it ("[]" when no pair is active), and the encoder's error if any. The
// slice is shared by every caller until the model moves on: do not modify
// it.
func (m *Model) PairsJSON(w Window) ([]byte, error) {
	d0, d1 := m.days(w)
	return m.encodedAnswer(queryKey{kind: qPairs, d0: d0, d1: d1}, qPairsJSON, func() any { return m.allPairs(d0, d1) })
}

// encodedAnswer returns the JSON of the answer to k, computed by compute,
// both kept for the position the model holds: the answer under k, its
// encoding under k with the kind asJSON.
func (m *Model) encodedAnswer(k queryKey, asJSON queryKind, compute func() any) ([]byte, error) {
	m.sorted.RLock(&m.mu)
	pos := m.pos
	v := m.queries.do(pos, k, compute)
	m.mu.RUnlock()
	// Encoded without the model's lock: v is the answer at pos.
	k.kind = asJSON
	e := m.queries.do(pos, k, func() any {
		b, err := json.Marshal(v)
		return encoded{b, err}
	}).(encoded)
	return e.b, e.err
}

// ChainJSON returns Chain(w) as encoding/json encodes it, and the
// encoder's error if any. The slice is shared by every caller until the
// model moves on: do not modify it.
func (m *Model) ChainJSON(w Window) ([]byte, error) {
	d0, d1 := m.days(w)
	return m.encodedAnswer(queryKey{kind: qChain, d0: d0, d1: d1}, qChainJSON, func() any { return m.chain(d0, d1) })
}
