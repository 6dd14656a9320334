package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections"
	"github.com/cadena-project/cadena/projections/pairstats"
)

// TestReadYourWrites feeds the pair statistics through a runner: after
// WaitFor(position of an append), a query sees the event.
func TestReadYourWrites(t *testing.T) {
	log := newFakeLog()
	m := pairstats.New(pairstats.Options{})
	r := projections.NewRunner(log, nil, m)
	start(t, r)
	ctx := wait(t)
	require.NoError(t, r.WaitCaughtUp(ctx))
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	log.append(t, 7, domain.HandoffRequested{HandoffID: "h1", Supplier: "it", Customer: "hr", Kind: "k", At: now})
	require.NoError(t, r.WaitFor(ctx, 7))
	w, err := m.ParseWindow("", "", now)
	require.NoError(t, err)
	f := m.Pair("it", "hr", w)
	assert.Equal(t, 1, f.Requested, "requested after WaitFor")
	assert.Equal(t, 1, f.Open, "open after WaitFor")
	assert.Equal(t, uint64(7), m.Position(), "position after WaitFor")
}
