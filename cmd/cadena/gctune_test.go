package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGCTuningSettings(t *testing.T) {
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	mem := func() (int64, bool) { return 8 << 30, true }
	noMem := func() (int64, bool) { return 0, false }
	tests := []struct {
		name string
		g    gcTuning
		env  map[string]string
		mem  func() (int64, bool)
		want gcSettings
	}{
		{"defaults", gcTuning{}, nil, mem, gcSettings{true, defaultGCPercent, true, 4 << 30}},
		{"memory unknown", gcTuning{}, nil, noMem, gcSettings{setPercent: true, percent: defaultGCPercent}},
		{"the environment wins over the defaults", gcTuning{}, map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}, mem, gcSettings{}},
		{"flags win over the environment", gcTuning{percent: "200", limit: "512MiB"}, map[string]string{"GOGC": "150", "GOMEMLIMIT": "1GiB"}, mem,
			gcSettings{true, 200, true, 512 << 20}},
		{"no limit", gcTuning{limit: "0"}, nil, mem, gcSettings{true, defaultGCPercent, true, math.MaxInt64}},
		{"bytes", gcTuning{limit: "1000000"}, nil, mem, gcSettings{true, defaultGCPercent, true, 1000000}},
		{"off with a limit", gcTuning{percent: "off", limit: "2GiB"}, nil, mem, gcSettings{true, -1, true, 2 << 30}},
	}
	for _, tt := range tests {
		got, err := tt.g.settings(env(tt.env), tt.mem)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
	for _, bad := range []gcTuning{{percent: "0"}, {percent: "lots"}, {limit: "4GB"}, {limit: "-1"}, {percent: "off", limit: "0"}} {
		_, err := bad.settings(env(nil), mem)
		assert.Error(t, err, "%+v", bad)
	}
	_, err := gcTuning{percent: "off"}.settings(env(nil), noMem)
	assert.Error(t, err, "off with no limit known")
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1B": 1, "4KiB": 4 << 10, "3MiB": 3 << 20, "2GiB": 2 << 30, "1TiB": 1 << 40, "123": 123} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestCatchUpGC: the catch-up's target applies only when below the one in
// force, and is set back once.
func TestCatchUpGC(t *testing.T) {
	orig := gcPercent()
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	for _, c := range []struct {
		name                    string
		serving, catchUp, while int
	}{
		{"below the target", 400, 50, 50},
		{"above it", 30, 50, 30},
		{"equal", 50, 50, 50},
		{"off", 400, 0, 400},
		{"the collector off", -1, 50, 50},
	} {
		t.Run(c.name, func(t *testing.T) {
			debug.SetGCPercent(c.serving)
			restore, inForce, err := catchUpGC(c.catchUp)
			require.NoError(t, err)
			assert.Equal(t, c.while, gcPercent(), "while catching up")
			assert.Equal(t, c.while, inForce)
			restore()
			assert.Equal(t, c.serving, gcPercent(), "once caught up")
			debug.SetGCPercent(77)
			restore()
			assert.Equal(t, 77, gcPercent(), "set back only once")
		})
	}
	_, _, err := catchUpGC(-1)
	assert.ErrorContains(t, err, "--catch-up-gc-percent -1")
}

// TestCatchUpGCOverlapping: two servers of one process catching up at
// once (as tests run them) set the target back once both caught up.
func TestCatchUpGCOverlapping(t *testing.T) {
	orig := gcPercent()
	t.Cleanup(func() { debug.SetGCPercent(orig) })
	debug.SetGCPercent(400)
	first, _, err := catchUpGC(50)
	require.NoError(t, err)
	second, inForce, err := catchUpGC(50)
	require.NoError(t, err)
	assert.Equal(t, 50, inForce)
	first()
	assert.Equal(t, 50, gcPercent(), "the second still catches up")
	second()
	assert.Equal(t, 400, gcPercent(), "the target before either")
}
