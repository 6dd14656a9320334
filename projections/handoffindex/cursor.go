package handoffindex

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
)

// A cursor is opaque to clients: the position a page stopped before and a
// checksum over it, in unpadded base64url. The checksum is there to tell a
// cursor this index gave out from anything else (a typo, a cut-off link, a
// guessed number); it is no secret, and needs none: a cursor selects only
// where a page starts, never what the caller may see. It is stable across
// restarts and replicas, so a client can page on through either.

// cursorTag is mixed into the checksum, so that a cursor of another kind or
// a later encoding never passes for this one.
const cursorTag = "cadena.handoffindex.cursor.v1"

var (
	cursorTable    = crc32.MakeTable(crc32.Castagnoli)
	cursorEncoding = base64.RawURLEncoding.Strict()
)

func cursorSum(pos []byte) []byte {
	sum := crc32.Update(crc32.Checksum([]byte(cursorTag), cursorTable), cursorTable, pos)
	return binary.BigEndian.AppendUint32(nil, sum)
}

// encodeCursor gives the cursor of a page that starts before position pos.
func encodeCursor(pos uint64) string {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 12), pos)
	return cursorEncoding.EncodeToString(append(b, cursorSum(b)...))
}

// decodeCursor returns the position a cursor of encodeCursor holds, or
// ErrBadCursor for anything else.
func decodeCursor(s string) (uint64, error) {
	b, err := cursorEncoding.DecodeString(s)
	if err != nil || len(b) != 12 || string(cursorSum(b[:8])) != string(b[8:]) {
		return 0, ErrBadCursor
	}
	pos := binary.BigEndian.Uint64(b[:8])
	if pos == 0 {
		return 0, ErrBadCursor
	}
	return pos, nil
}
