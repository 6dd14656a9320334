// Package recognitions is the read model of the thanks customers send their
// suppliers (pair.recognised.v1): listed per pair and per supplier.
package recognitions

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
)

// Recognition is one recognition as listed. The JSON is served as is.
type Recognition struct {
	// From is the customer department, To the supplier.
	From    string `json:"from"`
	To      string `json:"to"`
	Message string `json:"message"`
	// Author is the name of the token that sent it.
	Author     string    `json:"author"`
	OccurredAt time.Time `json:"occurred_at"`
	// Position is the event's position in the log.
	Position uint64 `json:"position"`
}

// Model folds recognitions. It is safe for concurrent use; the zero value
// is not: use New.
type Model struct {
	mu       sync.RWMutex
	position uint64
	all      []Recognition // in log order
}

// New returns an empty model.
func New() *Model { return &Model{} }

var _ projections.Handler = (*Model)(nil)

// Apply folds one event; events at or below the applied position are
// skipped.
func (m *Model) Apply(env projections.Envelope) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if env.Position <= m.position {
		return
	}
	m.position = env.Position
	if e, ok := env.Event.(domain.PairRecognised); ok {
		m.all = append(m.all, Recognition{From: e.From, To: e.To, Message: e.Message, Author: e.Author,
			OccurredAt: e.At, Position: env.Position})
	}
}

// ForPair returns the recognitions the supplier got from the customer that
// occurred in [from, to), newest first (by occurred_at, then position); at
// most limit (no cap when limit <= 0).
func (m *Model) ForPair(supplier, customer string, from, to time.Time, limit int) []Recognition {
	return m.list(from, to, limit, func(r *Recognition) bool { return r.To == supplier && r.From == customer })
}

// ForSupplier returns the recognitions a department got as a supplier,
// from every customer, as ForPair does.
func (m *Model) ForSupplier(supplier string, from, to time.Time, limit int) []Recognition {
	return m.list(from, to, limit, func(r *Recognition) bool { return r.To == supplier })
}

func (m *Model) list(from, to time.Time, limit int, match func(*Recognition) bool) []Recognition {
	m.mu.RLock()
	out := []Recognition{}
	for i := range m.all {
		r := &m.all[i]
		if match(r) && !r.OccurredAt.Before(from) && r.OccurredAt.Before(to) {
			out = append(out, *r)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Recognition) int {
		if c := b.OccurredAt.Compare(a.OccurredAt); c != 0 {
			return c
		}
		return cmp.Compare(b.Position, a.Position)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
