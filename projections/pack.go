package projections

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/projections/internal/numbering"
)

// The packed state of a closed hand-off: varints, with departments, kinds
// and states as numbers of the table's strings, agreement terms as numbers
// of its terms, times as zone numbers and seconds from the request. Its ID
// is the key it is kept under. unpack gives back a state equal to the one
// packed (the zones of its times are fixed zones of the same name and
// offset, as a snapshot's are).

// packTable numbers the values that recur in packed states. It only grows:
// a packed state refers to it by number.
type packTable struct {
	syms    numbering.Strings
	terms   []*domain.AgreementTerms
	termIdx map[domain.AgreementTerms]uint64
	zones   numbering.Zones
	buf     []byte
}

func newPackTable() packTable {
	return packTable{termIdx: map[domain.AgreementTerms]uint64{}}
}

// intern returns the table's copy of v.
func (t *packTable) intern(v string) string { return t.syms.Text(t.syms.Of(v)) }

func (t *packTable) sym(v string) uint64 { return uint64(t.syms.Of(v)) }

func (t *packTable) term(a *domain.AgreementTerms) uint64 {
	if a == nil {
		return 0
	}
	if n, ok := t.termIdx[*a]; ok {
		return n + 1
	}
	n := uint64(len(t.terms))
	c := *a
	t.terms = append(t.terms, &c)
	t.termIdx[c] = n
	return n + 1
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// cutString reads a string appendString wrote at the start of p, as a
// substring of p.
func cutString(p string) (s, rest string, ok bool) {
	n, k := uvarintString(p)
	if k <= 0 || uint64(len(p)-k) < n {
		return "", "", false
	}
	return p[k : k+int(n)], p[k+int(n):], true
}

func uvarintString(p string) (uint64, int) {
	var x uint64
	var s uint
	for i := 0; i < len(p) && i < binary.MaxVarintLen64; i++ {
		c := p[i]
		if c < 0x80 {
			return x | uint64(c)<<s, i + 1
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, 0
}

func (t *packTable) appendTime(b []byte, at time.Time, base int64) []byte {
	z := t.zones.Code(at)
	if z == 0 {
		return append(b, 0) // the zero time
	}
	b = binary.AppendUvarint(b, uint64(z))
	b = binary.AppendVarint(b, at.Unix()-base)
	return binary.AppendUvarint(b, uint64(at.Nanosecond()))
}

// pack returns the packed form of h, without its ID.
func (t *packTable) pack(h *domain.Handoff) string {
	b := t.buf[:0]
	b = binary.AppendUvarint(b, t.sym(h.Supplier))
	b = binary.AppendUvarint(b, t.sym(h.Customer))
	b = binary.AppendUvarint(b, t.sym(h.Kind))
	b = binary.AppendUvarint(b, t.sym(string(h.State)))
	b = appendString(b, h.Title)
	b = appendString(b, h.Details)
	b = binary.AppendUvarint(b, t.term(h.Agreement))
	b = t.appendTime(b, h.RequestedAt, 0)
	base := h.RequestedAt.Unix()
	b = t.appendTime(b, h.FirstResponseAt, base)
	b = t.appendTime(b, h.LatestDeliveryAt, base)
	b = binary.AppendVarint(b, int64(h.Deliveries))
	b = binary.AppendVarint(b, int64(h.Returns))
	b = binary.AppendVarint(b, int64(h.Escalations))
	if r := h.Rating; r == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = binary.AppendVarint(b, int64(r.Delivery))
		b = binary.AppendVarint(b, int64(r.Score))
		b = appendString(b, r.Comment)
		b = t.appendTime(b, r.At, base)
	}
	if h.Owned == nil {
		b = append(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(h.Owned))+1)
		for _, iv := range h.Owned {
			b = t.appendTime(b, iv.From, base)
			b = t.appendTime(b, iv.To, base)
		}
	}
	b = binary.AppendUvarint(b, h.Version)
	b = t.appendTime(b, h.LastAt, base)
	t.buf = b
	return string(b)
}

// unpacker reads a packed state; its strings are substrings of it.
type unpacker struct {
	t   *packTable
	p   string
	bad bool
}

func (u *unpacker) uint() uint64 {
	n, k := uvarintString(u.p)
	if k <= 0 {
		u.bad, u.p = true, ""
		return 0
	}
	u.p = u.p[k:]
	return n
}

func (u *unpacker) int() int64 {
	x := u.uint()
	v := int64(x >> 1)
	if x&1 != 0 {
		v = ^v
	}
	return v
}

func (u *unpacker) str() string {
	s, rest, ok := cutString(u.p)
	if !ok {
		u.bad, u.p = true, ""
		return ""
	}
	u.p = rest
	return s
}

func (u *unpacker) sym() string {
	s, ok := u.t.syms.Lookup(u.uint())
	if !ok {
		u.bad = true
	}
	return s
}

func (u *unpacker) time(base int64) time.Time {
	z := u.uint()
	if z == 0 {
		return time.Time{}
	}
	loc, ok := u.t.zones.Location(z)
	if !ok {
		u.bad = true
		return time.Time{}
	}
	sec := u.int() + base
	return time.Unix(sec, int64(u.uint())).In(loc)
}

// unpack returns the state packed in p for id; false when p is not what
// pack wrote.
func (t *packTable) unpack(id, p string) (*domain.Handoff, bool) {
	u := unpacker{t: t, p: p}
	h := &domain.Handoff{ID: id, Supplier: u.sym(), Customer: u.sym(), Kind: u.sym(), State: domain.State(u.sym()),
		Title: u.str(), Details: u.str()}
	if n := u.uint(); n > 0 {
		if n > uint64(len(t.terms)) {
			return nil, false
		}
		h.Agreement = t.terms[n-1]
	}
	h.RequestedAt = u.time(0)
	base := h.RequestedAt.Unix()
	h.FirstResponseAt = u.time(base)
	h.LatestDeliveryAt = u.time(base)
	h.Deliveries, h.Returns, h.Escalations = int(u.int()), int(u.int()), int(u.int())
	if u.uint() == 1 {
		h.Rating = &domain.Rating{Delivery: int(u.int()), Score: int(u.int()), Comment: u.str()}
		h.Rating.At = u.time(base)
	}
	if n := u.uint(); n > 0 {
		if n-1 > uint64(len(u.p)) {
			return nil, false
		}
		h.Owned = make([]domain.Interval, n-1)
		for i := range h.Owned {
			h.Owned[i].From = u.time(base)
			h.Owned[i].To = u.time(base)
		}
	}
	h.Version = u.uint()
	h.LastAt = u.time(base)
	if u.bad || u.p != "" {
		return nil, false
	}
	return h, true
}

var (
	errNilState   = errors.New("a hand-off without its state")
	errShortChunk = errors.New("the packed states end early")
)

// save writes the table; loadPackTable reads it back in the same order, so
// the numbers in packed states keep their meaning.
func (t *packTable) save(e *Encoder) {
	e.Uint(uint64(len(t.syms.All())))
	for _, s := range t.syms.All() {
		e.String(s)
	}
	e.Uint(uint64(len(t.terms)))
	for _, a := range t.terms {
		e.Agreement(a)
	}
	e.Uint(uint64(len(t.zones.Others())))
	for _, z := range t.zones.Others() {
		name, off := time.Time{}.In(z).Zone()
		e.String(name)
		e.Int(int64(off))
	}
}

func loadPackTable(d *Decoder) packTable {
	t := newPackTable()
	for range d.Len(1 << 24) {
		t.sym(d.String())
	}
	for range d.Len(1 << 24) {
		a := d.Agreement()
		if a == nil {
			d.Fail(fmt.Errorf("the table's terms"))
			break
		}
		t.term(a)
	}
	for range d.Len(1 << 24) {
		t.zones.Add(d.String(), int(d.Int()))
	}
	if d.err != nil {
		return newPackTable()
	}
	return t
}
