package bolt

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/eventstore"
)

// Bucket names. Every key in the log bucket is a big-endian position, so
// the bucket only ever grows at its end.
var (
	bucketLog   = []byte("log")   // position -> record
	bucketHeads = []byte("heads") // stream ID -> version, position of its last event
	bucketIDs   = []byte("ids")   // event ID (16 bytes) -> position
	bucketMeta  = []byte("meta")  // keyIndexed, keyHeads -> position
)

// keyIndexed holds the position up to which every event ID is in the ids
// bucket. The IDs of later events are kept in memory by the committer and
// written to the bucket in bulk (see idIndex).
var keyIndexed = []byte("ids-indexed")

// keyHeads holds the position up to which the heads bucket is complete:
// it has the head of every stream as of that position, or a later one.
// The heads of later appends are kept in memory by the committer and
// written to the bucket in bulk (see headIndex). A file without it has
// every head in the bucket.
var keyHeads = []byte("heads-complete")

// A record in the log bucket:
//
//	version     uint64, big-endian
//	recordedAt  int64 Unix nanoseconds, big-endian
//	prev        uint64, big-endian: position of the stream's previous event, 0 for its first
//	id          16 bytes
//	stream      uvarint length, bytes
//	type        uvarint length, bytes
//	data        uvarint length, bytes
//	metadata    the remaining bytes
//
// The first 24 bytes are filled in by the committer (patchRecord); the rest
// is encoded by the appending goroutine (appendRecord), and is the same
// for two events exactly when their ID, stream and payload are.
const (
	recordHeaderLen = 8 + 8 + 8 + 16
	recordFixedLen  = 24 // the part the committer fills in
)

// errCorrupt is a record or index entry that cannot be what cadena wrote.
var errCorrupt = fmt.Errorf("%w: corrupt record", ErrDamaged)

// recordCap is the most bytes appendRecord takes for an event of stream.
func recordCap(stream string, e eventstore.EventData) int {
	return recordHeaderLen + 3*binary.MaxVarintLen32 + len(stream) + len(e.Type) + len(e.Data) + len(e.Metadata)
}

// appendRecord appends the record of an event of stream, its header but
// for the ID left for patchRecord, to b.
func appendRecord(b []byte, id [16]byte, stream string, e eventstore.EventData) []byte {
	b = append(b, make([]byte, recordFixedLen)...)
	b = append(b, id[:]...)
	b = binary.AppendUvarint(b, uint64(len(stream)))
	b = append(b, stream...)
	b = binary.AppendUvarint(b, uint64(len(e.Type)))
	b = append(b, e.Type...)
	b = binary.AppendUvarint(b, uint64(len(e.Data)))
	b = append(b, e.Data...)
	return append(b, e.Metadata...)
}

func patchRecord(b []byte, version uint64, at time.Time, prev uint64) {
	binary.BigEndian.PutUint64(b[0:], version)
	binary.BigEndian.PutUint64(b[8:], uint64(at.UnixNano()))
	binary.BigEndian.PutUint64(b[16:], prev)
}

// recordVersion and recordPrev read the header of a record of at least
// recordHeaderLen bytes.
func recordVersion(b []byte) uint64 { return binary.BigEndian.Uint64(b[0:]) }
func recordPrev(b []byte) uint64    { return binary.BigEndian.Uint64(b[16:]) }

// recordStream returns the stream ID of a record, a view of its bytes; ok
// is false when the record is too short to hold one.
func recordStream(b []byte) (stream []byte, ok bool) {
	if len(b) < recordHeaderLen {
		return nil, false
	}
	rest := b[recordHeaderLen:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)-k) {
		return nil, false
	}
	return rest[k : k+int(n)], true
}

// decoder turns records into RecordedEvents. It interns stream IDs and
// types, which repeat a lot in a log, so a read allocates little more than
// the ID and payload of each event.
type decoder struct {
	strs map[string]string
}

func (d *decoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	if d.strs == nil {
		d.strs = make(map[string]string)
	} else if len(d.strs) > 1024 {
		clear(d.strs)
	}
	s := string(b)
	d.strs[s] = s
	return s
}

// decode copies a record out of bbolt's memory map; the result shares no
// memory with v.
func (d *decoder) decode(pos uint64, v []byte) (eventstore.RecordedEvent, error) {
	if len(v) < recordHeaderLen {
		return eventstore.RecordedEvent{}, fmt.Errorf("%w at position %d: %d bytes", errCorrupt, pos, len(v))
	}
	ev := eventstore.RecordedEvent{
		Position:   pos,
		Version:    binary.BigEndian.Uint64(v[0:]),
		RecordedAt: time.Unix(0, int64(binary.BigEndian.Uint64(v[8:]))).UTC(),
		ID:         eventstore.FormatUUID([16]byte(v[recordFixedLen:recordHeaderLen])),
	}
	rest := v[recordHeaderLen:]
	var fields [3][]byte
	for i := range fields {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return eventstore.RecordedEvent{}, fmt.Errorf("%w at position %d", errCorrupt, pos)
		}
		fields[i] = rest[k : k+int(n)]
		rest = rest[k+int(n):]
	}
	ev.StreamID = d.intern(fields[0])
	ev.Type = d.intern(fields[1])
	// One allocation holds data and metadata; the capacity of each slice
	// is cut so that appending to one cannot overwrite the other.
	buf := make([]byte, len(fields[2])+len(rest))
	copy(buf, fields[2])
	copy(buf[len(fields[2]):], rest)
	ev.Data = buf[:len(fields[2]):len(fields[2])]
	if len(rest) > 0 {
		ev.Metadata = buf[len(fields[2]):]
	}
	return ev, nil
}

// parseID turns a canonical UUID string, already validated, into 16 bytes.
func parseID(s string) [16]byte {
	id, _ := eventstore.ParseUUID(s)
	return id
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
