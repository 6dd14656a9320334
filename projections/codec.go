package projections

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// Encoder writes the binary state of a snapshot: varints, strings, times
// and hand-off states. Errors are sticky: after the first, writes do
// nothing and Err returns it.
type Encoder struct {
	w    *bufio.Writer
	syms map[string]uint64
	refs map[*domain.Handoff]uint64
	ids  map[string]uint64
	buf  [binary.MaxVarintLen64]byte
	err  error
	// numbered are the runner's hand-off IDs and numbers (Envelope.Num),
	// written first in the order of their numbers: ID number n-1 each,
	// without a map of the encoder's own (2.33M entries, about 100 MiB,
	// on 10M events); ids numbers the others from len(numbered).
	numbered map[string]uint32
}

func newEncoder(w io.Writer) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 1<<20), syms: map[string]uint64{}}
}

// Err returns the first error of a write.
func (e *Encoder) Err() error { return e.err }

func (e *Encoder) flush() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

func (e *Encoder) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

// Uint writes v.
func (e *Encoder) Uint(v uint64) { e.write(binary.AppendUvarint(e.buf[:0], v)) }

// Int writes v.
func (e *Encoder) Int(v int64) { e.write(binary.AppendVarint(e.buf[:0], v)) }

// Bool writes b.
func (e *Encoder) Bool(b bool) {
	if b {
		e.Uint(1)
	} else {
		e.Uint(0)
	}
}

// String writes s.
func (e *Encoder) String(s string) {
	e.Uint(uint64(len(s)))
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// Symbol writes s, a string that recurs (a department, a kind, a state):
// its text once, then its number; Decoder.Symbol returns one string for
// all its occurrences.
func (e *Encoder) Symbol(s string) {
	if n, ok := e.syms[s]; ok {
		e.Uint(n + 1)
		return
	}
	e.syms[s] = uint64(len(e.syms))
	e.Uint(0)
	e.String(s)
}

// Time writes t with its zone offset, as time.Time.MarshalBinary keeps it.
func (e *Encoder) Time(t time.Time) {
	if t.IsZero() {
		e.Uint(0)
		return
	}
	switch t.Location() {
	case time.UTC:
		e.Uint(1)
	case time.Local:
		e.Uint(2)
	default:
		name, off := t.Zone()
		e.Uint(3)
		e.Symbol(name)
		e.Int(int64(off))
	}
	e.Int(t.Unix())
	e.Uint(uint64(t.Nanosecond()))
}

// Duration writes d.
func (e *Encoder) Duration(d time.Duration) { e.Int(int64(d)) }

// Agreement writes terms, which may be nil.
func (e *Encoder) Agreement(a *domain.AgreementTerms) {
	e.Bool(a != nil)
	if a == nil {
		return
	}
	e.Uint(a.Version)
	e.Symbol(a.Kind)
	e.Int(a.ResolveWithinS)
	e.Int(a.RespondWithinS)
	e.Symbol(a.Calendar)
}

// Handoff writes the state of a hand-off.
func (e *Encoder) Handoff(h *domain.Handoff) {
	e.String(h.ID)
	e.Symbol(h.Supplier)
	e.Symbol(h.Customer)
	e.Symbol(h.Kind)
	e.String(h.Title)
	e.Symbol(string(h.State))
	e.Agreement(h.Agreement)
	e.Time(h.RequestedAt)
	e.Time(h.FirstResponseAt)
	e.Time(h.LatestDeliveryAt)
	e.Int(int64(h.Deliveries))
	e.Int(int64(h.Returns))
	e.Int(int64(h.Escalations))
	e.Bool(h.Rating != nil)
	if r := h.Rating; r != nil {
		e.Int(int64(r.Delivery))
		e.Int(int64(r.Score))
		e.String(r.Comment)
		e.Time(r.At)
	}
	e.Bool(h.Owned != nil)
	e.Uint(uint64(len(h.Owned)))
	for _, iv := range h.Owned {
		e.Time(iv.From)
		e.Time(iv.To)
	}
	e.Uint(h.Version)
	e.Time(h.LastAt)
}

// errCorrupt is the error of a decoder that read something no encoder
// writes.
var errCorrupt = errors.New("corrupt snapshot data")

// Decoder reads what an Encoder wrote. Errors are sticky: after the first,
// reads return zero values and Err returns it.
type Decoder struct {
	r     io.Reader
	buf   []byte // buf[i:] is read and not yet decoded
	i     int
	eof   bool
	syms  []string
	terms map[domain.AgreementTerms]*domain.AgreementTerms
	zones map[zoneKey]*time.Location
	refs  []*domain.Handoff
	ids   []string
	slab  []domain.Handoff // states are allocated in blocks
	err   error
}

type zoneKey struct {
	name string
	off  int
}

const decodeBuffer = 1 << 20

func newDecoder(r io.Reader) *Decoder {
	return &Decoder{r: r, buf: make([]byte, 0, decodeBuffer),
		terms: map[domain.AgreementTerms]*domain.AgreementTerms{}, zones: map[zoneKey]*time.Location{}}
}

// Err returns the first error of a read.
func (d *Decoder) Err() error { return d.err }

func (d *Decoder) fail(err error) {
	if d.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = err
	}
}

// fill makes at least n bytes available unless the input ends first.
func (d *Decoder) fill(n int) {
	if len(d.buf)-d.i >= n || d.eof {
		return
	}
	rest := copy(d.buf[:cap(d.buf)], d.buf[d.i:])
	d.buf, d.i = d.buf[:rest], 0
	if n > cap(d.buf) {
		d.buf = append(d.buf, make([]byte, n-rest)...)[:rest]
	}
	for len(d.buf) < n && !d.eof {
		m, err := d.r.Read(d.buf[len(d.buf):cap(d.buf)])
		d.buf = d.buf[:len(d.buf)+m]
		if err == io.EOF {
			d.eof = true
		} else if err != nil {
			d.fail(err)
			d.eof = true
		}
	}
}

// raw returns the next n bytes, valid until the next read.
func (d *Decoder) raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	d.fill(n)
	if len(d.buf)-d.i < n {
		d.fail(io.ErrUnexpectedEOF)
		return nil
	}
	b := d.buf[d.i : d.i+n]
	d.i += n
	return b
}

// Uint reads an unsigned number.
func (d *Decoder) Uint() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.buf)-d.i < binary.MaxVarintLen64 {
		d.fill(binary.MaxVarintLen64)
	}
	v, n := binary.Uvarint(d.buf[d.i:])
	if n <= 0 {
		d.fail(fmt.Errorf("%w: a number", errCorrupt))
		return 0
	}
	d.i += n
	return v
}

// Int reads a signed number.
func (d *Decoder) Int() int64 {
	u := d.Uint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// Len reads a length of at most limit.
func (d *Decoder) Len(limit int) int {
	n := d.Uint()
	if n > uint64(limit) {
		d.fail(fmt.Errorf("%w: a length of %d", errCorrupt, n))
		return 0
	}
	return int(n)
}

// Bool reads a boolean.
func (d *Decoder) Bool() bool { return d.Uint() == 1 }

// maxString bounds a string read, against corrupt lengths.
const maxString = 1 << 24

// String reads a string.
func (d *Decoder) String() string {
	n := d.Len(maxString)
	if n == 0 {
		return ""
	}
	return string(d.raw(n))
}

// Symbol reads a string written with Encoder.Symbol.
func (d *Decoder) Symbol() string { return d.ref(&d.syms, "symbol") }

// ref reads a string written once and then by its number (Encoder.Symbol,
// Encoder.ID), keeping those read in table; what names the table in errors.
func (d *Decoder) ref(table *[]string, what string) string {
	n := d.Uint()
	if d.err != nil {
		return ""
	}
	if n == 0 {
		s := d.String()
		*table = append(*table, s)
		return s
	}
	if n > uint64(len(*table)) {
		d.fail(fmt.Errorf("%w: %s %d of %d", errCorrupt, what, n, len(*table)))
		return ""
	}
	return (*table)[n-1]
}

// Time reads a time.
func (d *Decoder) Time() time.Time {
	var loc *time.Location
	switch d.Uint() {
	case 0:
		return time.Time{}
	case 1:
		loc = time.UTC
	case 2:
		loc = time.Local
	case 3:
		k := zoneKey{d.Symbol(), int(d.Int())}
		if loc = d.zones[k]; loc == nil {
			loc = time.FixedZone(k.name, k.off)
			d.zones[k] = loc
		}
	default:
		d.fail(fmt.Errorf("%w: a time's zone", errCorrupt))
		return time.Time{}
	}
	sec := d.Int()
	nsec := d.Uint()
	return time.Unix(sec, int64(nsec)).In(loc)
}

// Duration reads a duration.
func (d *Decoder) Duration() time.Duration { return time.Duration(d.Int()) }

// Agreement reads terms written by Encoder.Agreement; equal terms share
// one value.
func (d *Decoder) Agreement() *domain.AgreementTerms {
	if !d.Bool() {
		return nil
	}
	t := domain.AgreementTerms{Version: d.Uint(), Kind: d.Symbol(), ResolveWithinS: d.Int(),
		RespondWithinS: d.Int(), Calendar: d.Symbol()}
	if p, ok := d.terms[t]; ok {
		return p
	}
	p := &t
	d.terms[t] = p
	return p
}

// Handoff reads a hand-off state written by Encoder.Handoff.
func (d *Decoder) Handoff() domain.Handoff {
	h := domain.Handoff{ID: d.String(), Supplier: d.Symbol(), Customer: d.Symbol(), Kind: d.Symbol(),
		Title: d.String(), State: domain.State(d.Symbol()), Agreement: d.Agreement(),
		RequestedAt: d.Time(), FirstResponseAt: d.Time(), LatestDeliveryAt: d.Time(),
		Deliveries: int(d.Int()), Returns: int(d.Int()), Escalations: int(d.Int())}
	if d.Bool() {
		h.Rating = &domain.Rating{Delivery: int(d.Int()), Score: int(d.Int()), Comment: d.String(), At: d.Time()}
	}
	hasOwned := d.Bool()
	if n := d.Len(maxString); n > 0 || hasOwned {
		h.Owned = make([]domain.Interval, n)
		for i := range h.Owned {
			h.Owned[i] = domain.Interval{From: d.Time(), To: d.Time()}
		}
	}
	h.Version = d.Uint()
	h.LastAt = d.Time()
	return h
}

// Calendars writes the calendar definitions c holds.
func (e *Encoder) Calendars(c *domain.Calendars) {
	defs := c.Definitions()
	// By ID, not in the map's order: the same state, the same bytes.
	slices.SortFunc(defs, func(a, b domain.CalendarSet) int { return strings.Compare(a.CalendarID, b.CalendarID) })
	e.Uint(uint64(len(defs)))
	for _, def := range defs {
		b, err := domain.Encode(def)
		if err != nil && e.err == nil {
			e.err = err
		}
		e.String(string(b))
	}
}

// Calendars reads what Encoder.Calendars wrote.
func (d *Decoder) Calendars() domain.Calendars {
	var c domain.Calendars
	n := d.Len(maxString)
	for range n {
		ev, err := domain.Decode(domain.TypeCalendarSet, []byte(d.String()))
		if d.err != nil {
			break
		}
		if err != nil {
			d.fail(fmt.Errorf("%w: %w", errCorrupt, err))
			break
		}
		c.Record(ev.(domain.CalendarSet))
	}
	return c
}

// Fail records err as the decoder's error, if it has none: for a handler
// that finds its data inconsistent.
func (d *Decoder) Fail(err error) { d.fail(fmt.Errorf("%w: %w", errCorrupt, err)) }

// HandoffRef writes a state that several read models may share, or nil:
// in full the first time, then as a reference; Decoder.HandoffRef returns
// one pointer for all its occurrences.
func (e *Encoder) HandoffRef(h *domain.Handoff) {
	if h == nil {
		e.Uint(0)
		return
	}
	if n, ok := e.refs[h]; ok {
		e.Uint(n + 2)
		return
	}
	if e.refs == nil {
		e.refs = map[*domain.Handoff]uint64{}
	}
	e.refs[h] = uint64(len(e.refs))
	e.Uint(1)
	e.Handoff(h)
}

// Bytes writes b as a string.
func (e *Encoder) Bytes(b []byte) {
	e.Uint(uint64(len(b)))
	e.write(b)
}

// noteID numbers id as ID would, when its text was written otherwise.
func (e *Encoder) noteID(id string) {
	if _, ok := e.idNumber(id); ok {
		return
	}
	if e.ids == nil {
		e.ids = map[string]uint64{}
	}
	e.ids[id] = uint64(len(e.numbered) + len(e.ids))
}

// noteNumbered numbers the IDs of ids (each with its number, 1 to
// len(ids)) as len(ids) calls of noteID in the order of their numbers
// would, when their texts were written so, before any other ID.
func (e *Encoder) noteNumbered(ids map[string]uint32) { e.numbered = ids }

func (e *Encoder) idNumber(id string) (uint64, bool) {
	if n, ok := e.numbered[id]; ok {
		return uint64(n - 1), true
	}
	n, ok := e.ids[id]
	return n, ok
}

// ID writes the ID of a hand-off: its text the first time, then its
// number; Decoder.ID returns one string for all its occurrences. The
// runner's section writes every hand-off's ID, so a read model's costs a
// number.
func (e *Encoder) ID(id string) {
	if n, ok := e.idNumber(id); ok {
		e.Uint(n + 1)
		return
	}
	e.noteID(id)
	e.Uint(0)
	e.String(id)
}

// ID reads an ID written by Encoder.ID.
func (d *Decoder) ID() string { return d.ref(&d.ids, "hand-off ID") }

// HandoffRef reads a state written by Encoder.HandoffRef.
func (d *Decoder) HandoffRef() *domain.Handoff {
	n := d.Uint()
	if d.err != nil || n == 0 {
		return nil
	}
	if n == 1 {
		if len(d.slab) == 0 {
			d.slab = make([]domain.Handoff, 4096)
		}
		h := &d.slab[0]
		d.slab = d.slab[1:]
		*h = d.Handoff()
		d.refs = append(d.refs, h)
		return h
	}
	if n-1 > uint64(len(d.refs)) {
		d.fail(fmt.Errorf("%w: hand-off %d of %d", errCorrupt, n-1, len(d.refs)))
		return nil
	}
	return d.refs[n-2]
}
