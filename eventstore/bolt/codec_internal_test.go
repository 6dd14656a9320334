package bolt

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/eventstore"
)

func TestParseID(t *testing.T) {
	for range 100 {
		id := eventstore.NewID()
		require.Equal(t, id, eventstore.FormatUUID(parseID(id)), "parseID(%s) formatted", id)
	}
}
