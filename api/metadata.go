package api

// appendMetadata writes md as encoding/json writes it (the same bytes,
// without reflection: every command of a batch encodes one).
func appendMetadata(buf []byte, md Metadata) []byte {
	buf = append(buf, `{"actor":`...)
	buf = appendString(buf, md.Actor)
	buf = append(buf, `,"role":`...)
	buf = appendString(buf, string(md.Role))
	for _, m := range [...]struct{ name, v string }{
		{`,"department":`, md.Department},
		{`,"correlation_id":`, md.CorrelationID},
		{`,"idempotency_key":`, md.IdempotencyKey},
		{`,"request_hash":`, md.RequestHash},
	} {
		if m.v != "" {
			buf = append(buf, m.name...)
			buf = appendString(buf, m.v)
		}
	}
	return append(buf, '}')
}
