package handoffindex

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCursorRoundTrips(t *testing.T) {
	for _, pos := range []uint64{1, 2, 36, 1 << 20, 1<<64 - 1} {
		got, err := decodeCursor(encodeCursor(pos))
		require.NoError(t, err, "position %d", pos)
		assert.Equal(t, pos, got)
	}
}

func TestCursorsNotGivenOutAreRefused(t *testing.T) {
	good := encodeCursor(42)
	flipped := []byte(good)
	flipped[3] ^= 1
	for _, c := range []string{
		"garbage",                  // once read as a base-36 number
		strconv.FormatUint(42, 36), // the old encoding of a real position
		good[:len(good)-1],         // cut short
		good + "A",                 // one character too many
		string(flipped),            // one bit changed
		good + "=",                 // padded
		"AAAAAAAAAAAAAAAA",         // position 0 with a zero checksum
		encodeCursor(0),            // position 0 is no page
		"!!",
	} {
		_, err := decodeCursor(c)
		assert.ErrorIs(t, err, ErrBadCursor, "cursor %q", c)
	}
}
