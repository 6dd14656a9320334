package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cadena-project/cadena/domain"
	"github.com/cadena-project/cadena/domain/jsonw"
)

// fingerprint is the request hash of an idempotent command: the first 16
// bytes of SHA-256 over what, a NUL and the command's JSON (encoding/json),
// in hex. The hashes are stored in the log, so the bytes hashed never
// change. The commands an import sends by the thousand (a request, and a
// lifecycle command) take requestFingerprint and lifecycleFingerprint,
// which encode them by hand into the same bytes encoding/json writes,
// without reflection; the test holds them equal.
func fingerprint(what string, cmd any) string {
	j, err := json.Marshal(cmd)
	if err != nil {
		j = []byte(fmt.Sprintf("%#v", cmd))
	}
	return hashHex(append(append([]byte(what), 0), j...), nil)
}

// requestFingerprint is fingerprint("handoff.request", cmd), without
// reflection, cut from sb.
func requestFingerprint(cmd domain.RequestHandoff, sb *strBlock) string {
	var buf [512]byte
	b, ok := appendRequest(append(buf[:0], "handoff.request\x00"...), cmd)
	if !ok {
		return fingerprint("handoff.request", cmd)
	}
	return hashHex(b, sb)
}

// lifecycleFingerprint is the fingerprint of a lifecycle command on
// hand-off id, fingerprint("handoff."+cmd.Name+"\x00"+id, cmd), without
// building the name or reflection, cut from sb.
func lifecycleFingerprint(id string, cmd domain.HandoffCommand, sb *strBlock) string {
	var buf [256]byte
	b := append(append(buf[:0], "handoff."...), cmd.Name...)
	b = append(append(append(b, 0), id...), 0)
	b, ok := appendHandoffCommand(b, cmd)
	if !ok {
		return fingerprint("handoff."+cmd.Name+"\x00"+id, cmd)
	}
	return hashHex(b, sb)
}

// hashHex is the first 16 bytes of b's SHA-256, in hex, cut from sb.
func hashHex(b []byte, sb *strBlock) string {
	sum := sha256.Sum256(b)
	var out [32]byte
	hex.Encode(out[:], sum[:16])
	return sb.cut(out[:])
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
