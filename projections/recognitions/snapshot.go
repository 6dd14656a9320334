package recognitions

import "github.com/cadena-project/cadena/projections"

var _ projections.Snapshotter = (*Model)(nil)

// SnapshotName names the model's snapshot encoding.
func (m *Model) SnapshotName() string { return "recognitions/1" }

// SaveSnapshot writes the model's state.
func (m *Model) SaveSnapshot(e *projections.Encoder) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e.Uint(uint64(len(m.all)))
	for _, r := range m.all {
		e.Symbol(r.From)
		e.Symbol(r.To)
		e.String(r.Message)
		e.Symbol(r.Author)
		e.Time(r.OccurredAt)
		e.Uint(r.Position)
	}
}

// LoadSnapshot reads a state SaveSnapshot wrote.
func (m *Model) LoadSnapshot(d *projections.Decoder, pos uint64) func() {
	var all []Recognition
	for range d.Len(1 << 30) {
		all = append(all, Recognition{From: d.Symbol(), To: d.Symbol(), Message: d.String(), Author: d.Symbol(),
			OccurredAt: d.Time(), Position: d.Uint()})
	}
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.position, m.all = pos, all
	}
}

var _ projections.Resetter = (*Model)(nil)

// ResetState drops the model's state, leaving it as New returned it.
func (m *Model) ResetState() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.position, m.all = 0, nil
}
