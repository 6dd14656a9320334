package importer

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseUTCIsTimeParse checks that what parseUTC parses, the standard
// layouts parse to the same time (location included), and that it takes
// the forms it is for.
func TestParseUTCIsTimeParse(t *testing.T) {
	o := ReadOptions{}.withDefaults()
	for _, s := range []string{
		"2025-01-01 00:30:00.000000Z", "2024-02-29T23:59:59Z", "2011-10-11 13:45:40.276Z",
		"2012-10-09T14:50:17.123456789Z", "0001-01-01T00:00:00.5Z", "9999-12-31 23:59:59.999999999Z",
	} {
		got, ok := parseUTC(s)
		require.True(t, ok, s)
		want, err := o.parseTime(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{
		"2023-02-29T10:00:00Z", "2024-04-31 10:00:00Z", "2024-13-01 10:00:00Z", "2024-00-01 10:00:00Z",
		"2024-01-00 10:00:00Z", "2024-01-01 24:00:00Z", "2024-01-01 10:60:00Z", "2024-01-01 10:00:60Z",
		"2024-01-01 10:00:00.Z", "2024-01-01 10:00:00,5Z", "2024-01-01 10:00:00.1234567890Z",
		"2024-01-01 10:00:00+02:00", "2024-01-01 10:00:00", "2024-01-01x10:00:00Z", "2024-01-01 10:00:00z",
		"+024-01-01 10:00:00Z", "2024-01-01 10:00:0aZ",
	} {
		_, ok := parseUTC(s)
		assert.False(t, ok, s)
	}
	// Mutations of valid timestamps: whatever parseUTC takes, the standard
	// layouts take, to the same instant and location.
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "0123456789 T:.-Z+,9"
	taken := 0
	for range 200_000 {
		b := []byte(time.Unix(r.Int64N(1<<36), r.Int64N(1e9)).UTC().Format("2006-01-02T15:04:05.999999999Z"))
		for range r.IntN(3) {
			b[r.IntN(len(b))] = chars[r.IntN(len(chars))]
		}
		if r.IntN(2) == 0 {
			b[10] = ' '
		}
		s := string(b)
		got, ok := parseUTC(s)
		if !ok {
			continue
		}
		taken++
		want, err := o.parseTime(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	assert.Greater(t, taken, 50_000, "timestamps parsed")
}
