package bolt

import (
	"testing"

	"github.com/cadena-project/cadena/eventstore"
)

func TestParseID(t *testing.T) {
	for range 100 {
		id := eventstore.NewID()
		if got := eventstore.FormatUUID(parseID(id)); got != id {
			t.Fatalf("parseID(%s) formats as %s", id, got)
		}
	}
}
