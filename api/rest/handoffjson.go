package rest

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
	"github.com/cadena-project/cadena/domain/jsonw"
)

// appendJSON writes h as encoding/json does (the same bytes, members in
// the struct's order), without reflection: the answer of every hand-off
// command. It reports false for what it leaves to encoding/json: a
// timeline (the hand-off view), or a value encoding/json would refuse.
func (h *handoffJSON) appendJSON(b []byte) ([]byte, bool) {
	if h.Timeline != nil {
		return b, false
	}
	ok := true
	str := func(name, v string) {
		b = append(b, name...)
		b = jsonw.AppendString(b, v)
	}
	tm := func(name string, t time.Time) {
		b = append(b, name...)
		var fine bool
		b, fine = jsonw.AppendTime(b, t)
		ok = ok && fine
	}
	optTime := func(name string, t *time.Time) {
		if t != nil {
			tm(name, *t)
		}
	}
	num := func(name string, n int64) {
		b = append(b, name...)
		b = strconv.AppendInt(b, n, 10)
	}
	unum := func(name string, n uint64) {
		b = append(b, name...)
		b = strconv.AppendUint(b, n, 10)
	}
	str(`{"id":`, h.ID)
	str(`,"supplier":`, h.Supplier)
	str(`,"customer":`, h.Customer)
	str(`,"kind":`, h.Kind)
	str(`,"title":`, h.Title)
	if h.Details != "" {
		str(`,"details":`, h.Details)
	}
	str(`,"state":`, string(h.State))
	if t := h.Agreement; t == nil {
		b = append(b, `,"agreement":null`...)
	} else {
		unum(`,"agreement":{"version":`, t.Version)
		if t.Kind != "" {
			str(`,"kind":`, t.Kind)
		}
		num(`,"resolve_within_s":`, t.ResolveWithinS)
		num(`,"respond_within_s":`, t.RespondWithinS)
		if t.Calendar != "" {
			str(`,"calendar":`, t.Calendar)
		}
		b = append(b, '}')
	}
	tm(`,"requested_at":`, h.RequestedAt)
	optTime(`,"first_response_at":`, h.FirstResponseAt)
	optTime(`,"latest_delivery_at":`, h.LatestDeliveryAt)
	num(`,"deliveries":`, int64(h.Deliveries))
	num(`,"returns":`, int64(h.Returns))
	num(`,"escalations":`, int64(h.Escalations))
	if r := h.Rating; r != nil {
		num(`,"rating":{"delivery":`, int64(r.Delivery))
		num(`,"score":`, int64(r.Score))
		if r.Comment != "" {
			str(`,"comment":`, r.Comment)
		}
		tm(`,"rated_at":`, r.RatedAt)
		b = append(b, '}')
	}
	b = append(b, `,"supplier_owned_s":`...)
	var fine bool
	b, fine = jsonw.AppendFloat(b, h.SupplierOwnedS)
	ok = ok && fine
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{`,"due_at":`, h.DueAt}, {`,"respond_due_at":`, h.RespondDueAt}} {
		if d.t == nil {
			b = append(b, d.name...)
			b = append(b, "null"...)
		} else {
			tm(d.name, *d.t)
		}
	}
	b = append(b, `,"clock_running":`...)
	b = jsonw.AppendBool(b, h.ClockRunning)
	tm(`,"as_of":`, h.AsOf)
	unum(`,"version":`, h.Version)
	unum(`,"position":`, h.Position)
	return append(b, '}'), ok
}

// answerBuffers are the buffers hand-written answers are made in.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// writeHandoff answers a hand-off command with res as of now, written by
// hand unless the client asked for indented JSON (readyMade) or the answer
// is one appendJSON leaves to encoding/json; the bytes are the same either
// way. The answer written by hand lives on the stack; the one given to
// encoding/json on the heap. With located, the answer also gives the
// hand-off's Location.
func (s *Server) writeHandoff(c echo.Context, status int, res *api.HandoffResult, located bool) error {
	var pos string
	if located {
		var loc string
		loc, pos = locationAndPosition(res.Handoff.ID, res.Position)
		setHeader(c, echo.HeaderLocation, loc)
	} else {
		pos = strconv.FormatUint(res.Position, 10)
	}
	now := s.cfg.Now().UTC()
	if readyMade(c) {
		var vals handoffValues
		h := handoffOf(res, now, &vals)
		bp := answerBuffers.Get().(*[]byte)
		b, ok := h.appendJSON((*bp)[:0])
		defer func() { *bp = b[:0]; answerBuffers.Put(bp) }()
		if ok {
			b = append(b, '\n') // as json.Encoder ends a value
			setHeader(c, headerPosition, pos)
			return writeParts(c, status, b)
		}
	}
	a := new(handoffAnswer)
	a.json = handoffOf(res, now, &a.vals)
	return writtenAt(c, status, pos, &a.json)
}

// handoffPath is where a hand-off is, its ID following.
const handoffPath = "/api/v1/handoffs/"

// locationAndPosition returns the Location of hand-off id and the text of
// position, two strings made in one allocation.
func locationAndPosition(id string, position uint64) (loc, pos string) {
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], position, 10)
	var sb strings.Builder
	sb.Grow(len(handoffPath) + len(id) + len(d))
	sb.WriteString(handoffPath)
	sb.WriteString(id)
	n := sb.Len()
	sb.Write(d)
	both := sb.String()
	return both[:n], both[n:]
}
