package api

import "github.com/cadena-project/cadena/domain/jsonw"

// metadataJSON returns md as encoding/json writes it (the bytes stored
// with every event), without reflection: every command encodes one.
func metadataJSON(md Metadata) []byte {
	return appendMetadataJSON(make([]byte, 0, metadataJSONSize(md)), md)
}

// metadataJSONSize is room enough for md's JSON but for escapes.
func metadataJSONSize(md Metadata) int {
	return 64 + len(md.Actor) + len(md.Role) + len(md.Department) + len(md.CorrelationID) + len(md.IdempotencyKey) + len(md.RequestHash)
}

// appendMetadataJSON appends md's JSON, as metadataJSON returns it, to b.
func appendMetadataJSON(b []byte, md Metadata) []byte {
	return appendMetadataTail(appendMetadataHead(b, md), md)
}

// appendMetadataHead opens md's JSON with the members of its actor (actor,
// role, department): the same for every command of one actor.
func appendMetadataHead(b []byte, md Metadata) []byte {
	b = append(b, `{"actor":`...)
	b = jsonw.AppendString(b, md.Actor)
	b = append(b, `,"role":`...)
	b = jsonw.AppendString(b, string(md.Role))
	if md.Department != "" {
		b = append(b, `,"department":`...)
		b = jsonw.AppendString(b, md.Department)
	}
	return b
}

// appendMetadataTail closes md's JSON with the members of its command.
func appendMetadataTail(b []byte, md Metadata) []byte {
	for _, f := range [...]struct{ name, v string }{
		{`,"correlation_id":`, md.CorrelationID},
		{`,"idempotency_key":`, md.IdempotencyKey},
		{`,"request_hash":`, md.RequestHash},
	} {
		if f.v != "" {
			b = append(b, f.name...)
			b = jsonw.AppendString(b, f.v)
		}
	}
	return append(b, '}')
}
