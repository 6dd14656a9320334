package esdb

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// slogLogging routes the client's log lines to l instead of the standard
// log package. The client reports routine events as errors (every
// cancelled read, every subscription it closes on request), so its error
// level becomes slog's warning level; the other levels keep their names.
func slogLogging(l *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...any) {
		lv := slogLevel(level)
		ctx := context.Background()
		if !l.Enabled(ctx, lv) {
			return
		}
		l.Log(ctx, lv, "esdb client: "+fmt.Sprintf(format, args...))
	}
}

func slogLevel(level esdb.LogLevel) slog.Level {
	switch level {
	case esdb.LogDebug:
		return slog.LevelDebug
	case esdb.LogInfo:
		return slog.LevelInfo
	default: // esdb.LogWarn, esdb.LogError
		return slog.LevelWarn
	}
}
