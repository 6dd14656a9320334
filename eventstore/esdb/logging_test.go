package esdb

import (
	"log"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

func TestClientLogsGoToSlog(t *testing.T) {
	var buf syncBuffer
	log := slogLogging(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	log(esdb.LogDebug, "hidden %d", 1)
	log(esdb.LogInfo, "discovery attempt %v/%v", 1, 10)
	log(esdb.LogError, "subscription has dropped. Reason: %v", "EOF")
	out := buf.String()
	if strings.Contains(out, "hidden") {
		t.Errorf("debug line logged at info level:\n%s", out)
	}
	for _, want := range []string{
		`level=INFO msg="esdb client: discovery attempt 1/10"`,
		`level=WARN msg="esdb client: subscription has dropped. Reason: EOF"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
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
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ready(t.Context()); err == nil {
		t.Fatal("Ready with no server: nil")
	}
	if std.String() != "" {
		t.Errorf("the client wrote to the standard logger:\n%s", std.String())
	}
	if !strings.Contains(routed.String(), "esdb client: ") {
		t.Errorf("nothing routed to the slog logger:\n%s", routed.String())
	}

	if _, err := Open(t.Context(), "not a url ::", Options{}); err == nil {
		t.Error("Open with a bad connection string: nil error")
	}
}
