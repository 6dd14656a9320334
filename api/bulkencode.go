package api

import (
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// bulkEncoder is what a BulkLoad encodes its events with: Service.encode's
// bytes and IDs, cut from larger blocks, a few allocations per thousand
// commands rather than several per command. The deciding goroutine
// encodes the payloads (which may fail: a time encoding/json refuses), the
// encoder goroutine the rest (bulkJob).
type bulkEncoder struct {
	// The deciding goroutine's.
	data   []byte                 // the block payloads are cut from
	events []eventstore.EventData // the block EventData is cut from

	// The encoder goroutine's.
	metaHead []byte   // the metadata's members of the load's actor (appendMetadataHead)
	meta     []byte   // the block metadata is cut from
	ids      strBlock // event IDs
	hashes   strBlock // request hashes (they die once the metadata is written)
}

// bulkJob is what the encoder completes of an append held: the IDs and
// metadata of its events, with the request hash of the command (hash:
// req, or cmd on hand-off id) when m has an idempotency key.
type bulkJob struct {
	append int // its index in the part
	m      Meta
	hash   byte
	req    domain.RequestHandoff
	id     string
	cmd    domain.HandoffCommand
}

// What a bulkJob's request hash is of.
const (
	hashRequest byte = iota + 1
	hashLifecycle
)

// Blocks are renewed when they have less room than this left: more than
// a command of an import takes.
const (
	encodeBlockSize = 64 << 10
	encodeRoom      = 1 << 10
)

// encodePayloads encodes events as Service.encode does, but for their IDs
// and metadata, which the encoder fills in (complete).
func (l *BulkLoad) encodePayloads(events []domain.Event) ([]eventstore.EventData, error) {
	e := &l.enc
	if cap(e.events)-len(e.events) < len(events) {
		e.events = make([]eventstore.EventData, 0, max(len(events), 1024))
	}
	out := e.events[len(e.events):len(e.events)]
	for _, ev := range events {
		if cap(e.data)-len(e.data) < encodeRoom {
			e.data = make([]byte, 0, encodeBlockSize)
		}
		start := len(e.data)
		var typ string
		var err error
		if e.data, typ, err = domain.AppendEncoded(e.data, ev); err != nil {
			return nil, err
		}
		out = append(out, eventstore.EventData{Type: typ, Data: e.data[start:len(e.data):len(e.data)]})
	}
	e.events = e.events[:len(e.events)+len(out)]
	return out[:len(out):len(out)], nil
}

// encode completes the events of the parts sent, in order, and passes
// them on to the writer.
func (l *BulkLoad) encode() {
	defer close(l.queue)
	for p := range l.encQ {
		for i := range p.jobs {
			l.complete(p.appends[p.jobs[i].append].Events, &p.jobs[i])
		}
		select {
		case l.free <- p.jobs[:0]:
		default:
		}
		p.jobs = nil
		l.queue <- p
	}
}

// complete fills in the IDs and metadata of events as Service.encode
// writes them for a command by l's actor with j.m.
func (l *BulkLoad) complete(events []eventstore.EventData, j *bulkJob) {
	e := &l.enc
	m := j.m
	switch {
	case m.IdempotencyKey == "":
	case j.hash == hashRequest:
		m = m.withHandoffRequest(j.req, &e.hashes)
	case j.hash == hashLifecycle:
		m = m.withLifecycle(j.id, j.cmd, &e.hashes)
	}
	md := m.metadata(l.a)
	if n := metadataJSONSize(md); cap(e.meta)-len(e.meta) < n {
		e.meta = make([]byte, 0, max(n, encodeBlockSize))
	}
	start := len(e.meta)
	e.meta = appendMetadataTail(append(e.meta, e.metaHead...), md)
	meta := e.meta[start:len(e.meta):len(e.meta)]
	for i := range events {
		events[i].ID, events[i].Metadata = l.eventID(m, i), meta
	}
}

// eventID is m.eventID(l.a, i), cut from a block.
func (l *BulkLoad) eventID(m Meta, i int) string {
	if m.IdempotencyKey == "" || i == 0 && m.firstID != "" {
		return m.eventID(l.a, i)
	}
	var buf [36]byte
	return l.enc.ids.cut(appendUUID(buf[:0], idempotentUUID(l.a, m.IdempotencyKey, i)))
}
