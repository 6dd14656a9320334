package projections

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func savedNums(t *testing.T, n *Nums) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := newEncoder(&buf)
	n.Save(e)
	require.NoError(t, e.flush())
	return buf.Bytes()
}

// TestNumsSaveIsDeterministic: the numbers given are written in their own
// order, not the map's, so that the same state is the same bytes, and read
// back as they were given.
func TestNumsSaveIsDeterministic(t *testing.T) {
	var n Nums
	for i := range 200 {
		require.Equal(t, uint32(i+1), n.Of(Envelope{}, fmt.Sprintf("h-%d", i), true))
	}
	first := savedNums(t, &n)
	for range 5 {
		assert.Equal(t, first, savedNums(t, &n))
	}
	d := newDecoder(bytes.NewReader(first))
	got := LoadNums(d)
	require.NoError(t, d.Err())
	for i := range 200 {
		assert.Equal(t, uint32(i+1), got.Of(Envelope{}, fmt.Sprintf("h-%d", i), false))
	}
	assert.Equal(t, uint32(201), got.Of(Envelope{}, "new", true))
}

// TestLoadNumsRefusesNumbersOutOfRange: a number that no hand-off can have
// is a corrupt snapshot, not a panic at the next save.
func TestLoadNumsRefusesNumbersOutOfRange(t *testing.T) {
	var buf bytes.Buffer
	e := newEncoder(&buf)
	e.Uint(1) // one hand-off numbered
	e.Uint(1)
	e.String("h-1")
	e.Uint(7) // numbered 7
	require.NoError(t, e.flush())
	d := newDecoder(bytes.NewReader(buf.Bytes()))
	LoadNums(d)
	assert.ErrorIs(t, d.Err(), errCorrupt)
}
