package rest

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// BackupFunc writes a consistent snapshot of the event store to w, calling
// size with its length before the first byte; *bolt.Store's Backup is one.
type BackupFunc func(ctx context.Context, w io.Writer, size func(int64)) (int64, error)

var errNoBackup = &requestError{status: http.StatusNotImplemented, slug: "backup-unsupported",
	detail: "this server's event store cannot be copied through the API: back it up with the store's own tools (see the README)"}

// backup streams a snapshot of the embedded store, for admins.
func (s *Server) backup(c echo.Context) error {
	if err := actorOf(c).MayTakeBackup(); err != nil {
		return err
	}
	if s.cfg.Backup == nil {
		return errNoBackup
	}
	resp := c.Response()
	started := false
	_, err := s.cfg.Backup(c.Request().Context(), resp, func(size int64) {
		h := resp.Header()
		h.Set(echo.HeaderContentType, "application/octet-stream")
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		h.Set(echo.HeaderContentDisposition, `attachment; filename="cadena.db"`)
		h.Set("Cache-Control", "no-store")
		resp.WriteHeader(http.StatusOK)
		started = true
	})
	if err != nil && started {
		// Too late for a problem: the body stops short of its
		// Content-Length, which the client sees as a failed transfer.
		c.Set(keyError, err)
		return nil
	}
	return err
}
