package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cadena-project/cadena/api/internal/jsonw"
	"github.com/cadena-project/cadena/domain"
)

// fingerprint is the request hash of an idempotent command: the first 16
// bytes of SHA-256 over what, a NUL and the command's JSON (encoding/json),
// in hex. The hashes are stored in the log, so the bytes hashed never
// change. The commands an import sends by the thousand (a request, and a
// lifecycle command) are encoded by hand into the same bytes
// encoding/json writes, without reflection; the test holds them equal.
func fingerprint(what string, cmd any) string {
	buf := make([]byte, 0, 512)
	buf = append(buf, what...)
	buf = append(buf, 0)
	var ok bool
	switch c := cmd.(type) {
	case domain.RequestHandoff:
		buf, ok = appendRequest(buf, c)
	case domain.HandoffCommand:
		buf, ok = appendHandoffCommand(buf, c)
	}
	if !ok {
		buf = buf[:len(what)+1]
		b, err := json.Marshal(cmd)
		if err != nil {
			b = []byte(fmt.Sprintf("%#v", cmd))
		}
		buf = append(buf, b...)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}

// appendRequest writes c as encoding/json does, when its departments and
// agreement are not set (they are filled in by the service later).
func appendRequest(buf []byte, c domain.RequestHandoff) ([]byte, bool) {
	if c.Agreement != nil || c.SupplierDept != (domain.Department{}) || c.CustomerDept != (domain.Department{}) {
		return buf, false
	}
	buf = append(buf, `{"ID":`...)
	buf = jsonw.AppendString(buf, c.ID)
	buf = append(buf, `,"Supplier":`...)
	buf = jsonw.AppendString(buf, c.Supplier)
	buf = append(buf, `,"Customer":`...)
	buf = jsonw.AppendString(buf, c.Customer)
	buf = append(buf, `,"Kind":`...)
	buf = jsonw.AppendString(buf, c.Kind)
	buf = append(buf, `,"Title":`...)
	buf = jsonw.AppendString(buf, c.Title)
	buf = append(buf, `,"At":`...)
	buf, ok := jsonw.AppendTime(buf, c.At)
	const zeroDept = `{"ID":"","Name":"","Retired":false,"Version":0,"LastAt":"0001-01-01T00:00:00Z"}`
	buf = append(buf, `,"Agreement":null,"SupplierDept":`+zeroDept+`,"CustomerDept":`+zeroDept+`}`...)
	return buf, ok
}

// handoffFields is, per lifecycle command, the members its JSON carries
// (domain.HandoffCommand.MarshalJSON: the fields it takes, then At).
var handoffFields = func() map[string][4]bool {
	m := map[string][4]bool{}
	for _, spec := range domain.Commands() {
		m[spec.Name] = [4]bool{spec.Takes(domain.FieldReason), spec.Takes(domain.FieldNote),
			spec.Takes(domain.FieldScore), spec.Takes(domain.FieldComment)}
	}
	return m
}()

func appendHandoffCommand(buf []byte, c domain.HandoffCommand) ([]byte, bool) {
	takes, known := handoffFields[c.Name]
	if !known {
		return buf, false
	}
	buf = append(buf, '{')
	if takes[0] {
		buf = append(buf, `"Reason":`...)
		buf = jsonw.AppendString(buf, c.Reason)
		buf = append(buf, ',')
	}
	if takes[1] {
		buf = append(buf, `"Note":`...)
		buf = jsonw.AppendString(buf, c.Note)
		buf = append(buf, ',')
	}
	if takes[2] {
		buf = append(buf, `"Score":`...)
		buf = strconv.AppendInt(buf, int64(c.Score), 10)
		buf = append(buf, ',')
	}
	if takes[3] {
		buf = append(buf, `"Comment":`...)
		buf = jsonw.AppendString(buf, c.Comment)
		buf = append(buf, ',')
	}
	buf = append(buf, `"At":`...)
	buf, ok := jsonw.AppendTime(buf, c.At)
	return append(buf, '}'), ok
}
