package api

import (
	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/eventstore"
)

// bulkEncoder is what a BulkLoad encodes its events with: Service.encode's
// bytes and IDs, cut from larger blocks, a few allocations per thousand
// commands rather than several per command.
type bulkEncoder struct {
	metaHead []byte                 // the metadata's members of the load's actor (appendMetadataHead)
	meta     []byte                 // the block metadata is cut from
	data     []byte                 // the block payloads are cut from
	events   []eventstore.EventData // the block EventData is cut from
	ids      strBlock               // event IDs
	hashes   strBlock               // request hashes (they die once the metadata is written)
}

// Blocks are renewed when they have less room than this left: more than
// a command of an import takes.
const (
	encodeBlockSize = 64 << 10
	encodeRoom      = 1 << 10
)

// encode is Service.encode for a command by l's actor with m.
func (l *BulkLoad) encode(m Meta, events []domain.Event) ([]eventstore.EventData, error) {
	e := &l.enc
	md := m.metadata(l.a)
	if n := metadataJSONSize(md); cap(e.meta)-len(e.meta) < n {
		e.meta = make([]byte, 0, max(n, encodeBlockSize))
	}
	start := len(e.meta)
	e.meta = appendMetadataTail(append(e.meta, e.metaHead...), md)
	meta := e.meta[start:len(e.meta):len(e.meta)]
	if cap(e.events)-len(e.events) < len(events) {
		e.events = make([]eventstore.EventData, 0, max(len(events), 1024))
	}
	out := e.events[len(e.events):len(e.events)]
	for i, ev := range events {
		if cap(e.data)-len(e.data) < encodeRoom {
			e.data = make([]byte, 0, encodeBlockSize)
		}
		start := len(e.data)
		var typ string
		var err error
		if e.data, typ, err = domain.AppendEncoded(e.data, ev); err != nil {
			return nil, err
		}
		out = append(out, eventstore.EventData{ID: l.eventID(m, i), Type: typ, Data: e.data[start:len(e.data):len(e.data)], Metadata: meta})
	}
	e.events = e.events[:len(e.events)+len(out)]
	return out[:len(out):len(out)], nil
}

// eventID is m.eventID(l.a, i), cut from a block.
func (l *BulkLoad) eventID(m Meta, i int) string {
	if m.IdempotencyKey == "" || i == 0 && m.firstID != "" {
		return m.eventID(l.a, i)
	}
	var buf [36]byte
	return l.enc.ids.cut(appendUUID(buf[:0], idempotentUUID(l.a, m.IdempotencyKey, i)))
}
