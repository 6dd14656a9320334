package esdb

import (
	"log"
	"log/slog"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

func TestClientLogsGoToSlog(t *testing.T) {
	var buf syncBuffer
	log := slogLogging(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	log(esdb.LogDebug, "hidden %d", 1)
	log(esdb.LogInfo, "discovery attempt %v/%v", 1, 10)
	log(esdb.LogError, "subscription has dropped. Reason: %v", "EOF")
	out := buf.String()
	assert.NotContains(t, out, "hidden", "debug line logged at info level")
	for _, want := range []string{
		`level=INFO msg="esdb client: discovery attempt 1/10"`,
		`level=WARN msg="esdb client: subscription has dropped. Reason: EOF"`,
	} {
		assert.Contains(t, out, want)
	}
}

// TestOpenSilencesTheClient makes the client log (a failed discovery) and
// checks nothing reaches the standard log package, where the client's
// default logger writes.
func TestOpenSilencesTheClient(t *testing.T) {
	var std syncBuffer
	log.SetOutput(&std)
	defer log.SetOutput(os.Stderr)

	var routed syncBuffer
	s, err := Open(t.Context(), connString("127.0.0.1:1"), Options{Logger: slog.New(slog.NewTextHandler(&routed, nil))})
	require.NoError(t, err)
	defer s.Close()
	require.Error(t, s.Ready(t.Context()), "Ready with no server")
	assert.Empty(t, std.String(), "the client wrote to the standard logger")
	assert.Contains(t, routed.String(), "esdb client: ", "nothing routed to the slog logger")

	_, err = Open(t.Context(), "not a url ::", Options{})
	assert.Error(t, err, "Open with a bad connection string")
}
