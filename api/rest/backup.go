package rest

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cadena-project/cadena/api"
)

// BackupFunc writes a consistent snapshot of the event store to w, calling
// size with its length before the first byte; *bolt.Store's Backup is one.
type BackupFunc = api.BackupFunc

var errNoBackup = &requestError{status: http.StatusNotImplemented, slug: "backup-unsupported",
	detail: "this server's event store cannot be copied through the API: back it up with the store's own tools (see the README)"}

// backup streams a snapshot of the embedded store, for admins
// (api.TakeBackup decides).
func (s *Server) backup(c echo.Context) error {
	resp := c.Response()
	var w io.Writer = resp
	if d := s.cfg.BackupWriteTimeout; d > 0 {
		w = deadlineWriter{w: resp, rc: http.NewResponseController(resp), d: d}
	}
	head := c.Request().Method == http.MethodHead
	if head { // the headers, with the size, and no copy of the store
		w = headWriter{}
	}
	started := false
	_, err := api.TakeBackup(c.Request().Context(), actorOf(c), s.cfg.Backup, w, func(size int64) {
		h := resp.Header()
		h.Set(echo.HeaderContentType, "application/octet-stream")
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		h.Set(echo.HeaderContentDisposition, `attachment; filename="cadena.db"`)
		h.Set("Cache-Control", "no-store")
		resp.WriteHeader(http.StatusOK)
		started = true
	})
	if errors.Is(err, api.ErrBackupUnsupported) {
		return errNoBackup
	}
	if head && started && errors.Is(err, errHeadOnly) {
		return nil
	}
	if err != nil && started {
		// Too late for a problem: the body stops short of its
		// Content-Length, which the client sees as a failed transfer.
		c.Set(keyError, err)
		return nil
	}
	return err
}

// errHeadOnly stops the copy of a backup asked for with HEAD.
var errHeadOnly = errors.New("rest: HEAD: no body")

// headWriter takes no byte: a HEAD answers the backup's headers only.
type headWriter struct{}

func (headWriter) Write([]byte) (int, error) { return 0, errHeadOnly }

// deadlineWriter gives each write d from its start, instead of the
// server's write deadline for the whole answer.
type deadlineWriter struct {
	w  io.Writer
	rc *http.ResponseController
	d  time.Duration
}

func (dw deadlineWriter) Write(p []byte) (int, error) {
	// A writer that cannot take deadlines (a test's recorder) keeps none.
	_ = dw.rc.SetWriteDeadline(time.Now().Add(dw.d))
	return dw.w.Write(p)
}
