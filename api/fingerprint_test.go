package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/domain"
)

// reflected is the fingerprint as it was first computed, with
// encoding/json: the hashes stored in logs.
func reflected(t testing.TB, what string, cmd any) string {
	b, err := json.Marshal(cmd)
	require.NoError(t, err)
	sum := sha256.Sum256(append([]byte(what+"\x00"), b...))
	return hex.EncodeToString(sum[:16])
}

func TestFingerprintMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2011, 10, 11, 13, 45, 40, 276000000, time.FixedZone("", 2*3600))
	odd := "a\"b\\c<d>e&f\u2028g\u2029h\x01\b\f\n\r\ti\xffj ñ 日本"
	cmds := []any{
		domain.RequestHandoff{ID: "case-1-1", Supplier: "group-2", Customer: "group-1", Kind: "import", Title: "Review (case 1)", At: at},
		domain.RequestHandoff{ID: odd, Supplier: odd, Customer: "", Kind: odd, Title: odd, At: at.UTC()},
		domain.RequestHandoff{ID: "h", At: time.Time{}},
		domain.RequestHandoff{ID: "h", Agreement: &domain.AgreementTerms{ResolveWithinS: 60}},
		domain.RequestHandoff{ID: "h", SupplierDept: domain.Department{ID: "it", Name: "IT"}},
		domain.RequestHandoff{ID: "h", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		domain.RegisterDepartment{ID: "it", Name: odd, At: at},
	}
	for _, spec := range domain.Commands() {
		cmds = append(cmds, domain.HandoffCommand{Name: spec.Name, Reason: odd, Note: "n", Score: -3, Comment: odd, At: at},
			domain.HandoffCommand{Name: spec.Name, At: at.Add(time.Nanosecond)})
	}
	cmds = append(cmds, domain.HandoffCommand{Name: "no-such-command", Reason: "r", At: at})
	for i, cmd := range cmds {
		if _, err := json.Marshal(cmd); err != nil {
			assert.NotEmpty(t, fingerprint("x", cmd), "command %d: %#v", i, cmd)
			continue
		}
		assert.Equal(t, reflected(t, "handoff.request", cmd), fingerprint("handoff.request", cmd), "command %d: %#v", i, cmd)
		// The typed paths the use cases take hash the same bytes.
		switch c := cmd.(type) {
		case domain.RequestHandoff:
			assert.Equal(t, reflected(t, "handoff.request", c), requestFingerprint(c, nil), "request %d: %#v", i, c)
		case domain.HandoffCommand:
			for _, id := range []string{"case-1-1", odd} {
				assert.Equal(t, reflected(t, "handoff."+c.Name+"\x00"+id, c), lifecycleFingerprint(id, c, nil), "command %d on %q: %#v", i, id, c)
			}
		}
	}
}

func FuzzFingerprint(f *testing.F) {
	f.Add("case-1", "Review <b>&</b>", "the case came back", int64(1318333540276000000))
	f.Add("\xff\xfe", "\u2028", "\x00", int64(-1))
	f.Fuzz(func(t *testing.T, id, title, reason string, nanos int64) {
		at := time.Unix(0, nanos).In(time.FixedZone("", int(nanos%50000)))
		req := domain.RequestHandoff{ID: id, Supplier: reason, Customer: id, Kind: title, Title: title, At: at}
		if _, err := json.Marshal(req); err != nil {
			return
		}
		assert.Equal(t, reflected(t, "handoff.request", req), requestFingerprint(req, nil), "%#v", req)
		for _, c := range []domain.HandoffCommand{
			{Name: domain.Return, Reason: reason, At: at},
			{Name: domain.Deliver, Note: title, At: at},
		} {
			assert.Equal(t, reflected(t, "handoff."+c.Name+"\x00"+id, c), lifecycleFingerprint(id, c, nil), "%#v", c)
		}
	})
}

func BenchmarkFingerprint(b *testing.B) {
	cmd := domain.RequestHandoff{ID: "case-1-1", Supplier: "group-2", Customer: "group-1", Kind: "import",
		Title: "Review (case 1)", At: time.Date(2011, 10, 11, 13, 45, 40, 276000000, time.UTC)}
	b.Run("reflected", func(b *testing.B) {
		for b.Loop() {
			reflected(b, "handoff.request", cmd)
		}
	})
	b.Run("fingerprint", func(b *testing.B) {
		for b.Loop() {
			requestFingerprint(cmd, nil)
		}
	})
}
