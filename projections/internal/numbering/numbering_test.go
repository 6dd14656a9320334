package numbering_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/projections/internal/numbering"
)

func TestStringsNumberInTheOrderFirstSeen(t *testing.T) {
	var s numbering.Strings
	_, ok := s.Number("it")
	assert.False(t, ok, "a string never seen has no number")
	assert.Equal(t, []uint32{0, 1, 0, 2}, []uint32{s.Of("it"), s.Of("hr"), s.Of("it"), s.Of("")})
	n, ok := s.Number("hr")
	require.True(t, ok)
	assert.Equal(t, uint32(1), n)
	assert.Equal(t, "hr", s.Text(1))
	assert.Equal(t, []string{"it", "hr", ""}, s.All())
	v, ok := s.Lookup(2)
	assert.True(t, ok)
	assert.Equal(t, "", v)
	_, ok = s.Lookup(3)
	assert.False(t, ok, "a number the table did not give")
}

func TestZonesCodesAndLocations(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	cet, cest := time.FixedZone("CET", 3600), time.FixedZone("CEST", 7200)
	var z numbering.Zones
	assert.Equal(t, []uint32{0, 1, 2, 3, 4, 3}, []uint32{
		z.Code(time.Time{}), z.Code(at), z.Code(at.In(time.Local)),
		z.Code(at.In(cet)), z.Code(at.In(cest)), z.Code(at.In(time.FixedZone("CET", 3600))),
	})
	for c, want := range map[uint64]*time.Location{1: time.UTC, 2: time.Local} {
		loc, ok := z.Location(c)
		require.True(t, ok, c)
		assert.Same(t, want, loc)
	}
	loc, ok := z.Location(4)
	require.True(t, ok)
	name, off := at.In(loc).Zone()
	assert.Equal(t, "CEST", name)
	assert.Equal(t, 7200, off)
	for _, c := range []uint64{0, 5} {
		_, ok := z.Location(c)
		assert.False(t, ok, "code %d", c)
	}

	// A table read back zone by zone gives the same codes.
	var back numbering.Zones
	for _, l := range z.Others() {
		name, off := time.Time{}.In(l).Zone()
		back.Add(name, off)
	}
	assert.Equal(t, z.Code(at.In(cest)), back.Code(at.In(cest)))
	assert.Equal(t, z.Code(at.In(cet)), back.Code(at.In(cet)))
}
