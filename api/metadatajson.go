package api

import "github.com/cadena-project/cadena/api/internal/jsonw"

// metadataJSON returns md as encoding/json writes it (the bytes stored
// with every event), without reflection: every command encodes one.
func metadataJSON(md Metadata) []byte {
	n := 64 + len(md.Actor) + len(md.Role) + len(md.Department) + len(md.CorrelationID) + len(md.IdempotencyKey) + len(md.RequestHash)
	b := make([]byte, 0, n)
	b = append(b, `{"actor":`...)
	b = jsonw.AppendString(b, md.Actor)
	b = append(b, `,"role":`...)
	b = jsonw.AppendString(b, string(md.Role))
	for _, f := range [...]struct{ name, v string }{
		{`,"department":`, md.Department},
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
