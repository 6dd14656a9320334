package eventstore

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits every store enforces.
const (
	// MaxEventSize is the largest data plus metadata of one event, in bytes.
	MaxEventSize = 1 << 20
	// MaxStreamIDLen is the longest stream ID, in bytes.
	MaxStreamIDLen = 256
	// MaxTypeLen is the longest event type, in bytes.
	MaxTypeLen = 128
)

// ValidateStreamID reports whether id is a usable stream ID.
func ValidateStreamID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidStream)
	case len(id) > MaxStreamIDLen:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrInvalidStream, len(id), MaxStreamIDLen)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalidStream)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: control character %U", ErrInvalidStream, r)
		}
	}
	return nil
}

// ValidateAppend checks a whole append before any of it is written: the
// stream ID, that there is at least one event, and each event in turn.
func ValidateAppend(stream string, events []EventData) error {
	return validateAppend(stream, events, true)
}

// ValidateStreamAppend checks an append of a batch as ValidateAppend does,
// except that the JSON of its events is not parsed again when
// a.EncodedJSON vouches for it.
func ValidateStreamAppend(a StreamAppend) error {
	return validateAppend(a.Stream, a.Events, !a.EncodedJSON)
}

func validateAppend(stream string, events []EventData, checkJSON bool) error {
	if err := ValidateStreamID(stream); err != nil {
		return err
	}
	if len(events) == 0 {
		return ErrEmptyAppend
	}
	if len(events) == 1 { // most appends: no set of IDs to keep
		if err := validateEvent(events[0], checkJSON); err != nil {
			return fmt.Errorf("event 0: %w", err)
		}
		return nil
	}
	seen := make(map[string]struct{}, len(events))
	for i, e := range events {
		if err := validateEvent(e, checkJSON); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		if _, dup := seen[e.ID]; dup {
			return fmt.Errorf("event %d: %w: ID %s appears twice in one append", i, ErrInvalidEvent, e.ID)
		}
		seen[e.ID] = struct{}{}
	}
	return nil
}

// ValidateEvent checks one event against the limits of the contract.
func ValidateEvent(e EventData) error {
	return validateEvent(e, true)
}

func validateEvent(e EventData, checkJSON bool) error {
	if !IsUUID(e.ID) {
		return fmt.Errorf("%w: ID %q is not a canonical lower-case UUID", ErrInvalidEvent, e.ID)
	}
	if e.Type == "" || len(e.Type) > MaxTypeLen {
		return fmt.Errorf("%w: type must be 1 to %d bytes", ErrInvalidEvent, MaxTypeLen)
	}
	for _, r := range e.Type {
		if r <= ' ' || r == 0x7f || r > unicode.MaxASCII {
			return fmt.Errorf("%w: type %q must be printable ASCII without spaces", ErrInvalidEvent, e.Type)
		}
	}
	if n := len(e.Data) + len(e.Metadata); n > MaxEventSize {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrEventTooLarge, n, MaxEventSize)
	}
	if !checkJSON {
		return nil
	}
	if !json.Valid(e.Data) {
		return fmt.Errorf("%w: data is not valid JSON", ErrInvalidEvent)
	}
	if len(e.Metadata) > 0 && !json.Valid(e.Metadata) {
		return fmt.Errorf("%w: metadata is not valid JSON", ErrInvalidEvent)
	}
	return nil
}

// IsUUID reports whether s is a canonical lower-case UUID string.
func IsUUID(s string) bool {
	_, ok := ParseUUID(s)
	return ok
}

// ParseUUID returns the 16 bytes of s, a canonical lower-case UUID string,
// and false when s is not one. FormatUUID turns them back into s.
func ParseUUID(s string) (id [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, false
	}
	// One table look-up a digit and no branch on its value: random hex
	// digits made comparisons mispredict (every append parses its IDs).
	var bad byte
	for j, i := range uuidHexAt {
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		bad |= hi | lo
		id[j] = hi<<4 | lo
	}
	return id, bad < 16
}

// uuidHexAt holds where each byte's two hex digits start in a canonical
// UUID string.
var uuidHexAt = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// hexValue is the value of a lower-case hex digit, 0xff for any other
// byte.
var hexValue = func() (t [256]byte) {
	for i := range t {
		switch c := byte(i); {
		case '0' <= c && c <= '9':
			t[i] = c - '0'
		case 'a' <= c && c <= 'f':
			t[i] = c - 'a' + 10
		default:
			t[i] = 0xff
		}
	}
	return t
}()

// NewID returns a new time-ordered (version 7, RFC 9562) UUID string for a
// new event: 48 bits of Unix milliseconds, then a 12-bit sequence that
// keeps the IDs of one process strictly increasing within a millisecond
// (and across a clock stepping back), then 62 random bits. IDs made later
// sort after earlier ones, so the stores' ID indexes grow at their end
// instead of rewriting pages all over the index.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[8:]); err != nil {
		panic(fmt.Sprintf("eventstore: reading random bytes: %v", err))
	}
	ms, seq := idClock.next(time.Now().UnixMilli(), uint16(b[8])<<4|uint16(b[9])>>4)
	binary.BigEndian.PutUint64(b[:8], uint64(ms)<<16|uint64(seq))
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return FormatUUID(b)
}

// idClock is the last time and sequence NewID used.
var idClock = &idSequence{}

type idSequence struct {
	mu  sync.Mutex
	ms  int64
	seq uint16 // 12 bits
}

// next returns the time and sequence of a new ID made at now: now with a
// fresh sequence from seed (below 2048, to leave room to count) when now
// is after the last ID's time, else the last time with the next sequence,
// moving on to the next millisecond when the sequence runs out.
func (c *idSequence) next(now int64, seed uint16) (int64, uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case now > c.ms:
		c.ms, c.seq = now, seed&0x7ff
	case c.seq < 0xfff:
		c.seq++
	default:
		c.ms, c.seq = c.ms+1, 0
	}
	return c.ms, c.seq
}

// FormatUUID formats 16 bytes as a canonical lower-case UUID string.
func FormatUUID(b [16]byte) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[x>>4], hex[x&0x0f])
	}
	return string(out)
}
