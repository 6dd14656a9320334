package rest_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cadena-project/cadena/api/rest"
)

// TestBackupOutlivesTheWriteTimeout: a live backup of a large store takes
// longer than the server's write timeout (--write-timeout), which bounds a
// whole answer; each write of the backup's stream gets that long instead,
// so the copy arrives whole however long it takes.
func TestBackupOutlivesTheWriteTimeout(t *testing.T) {
	const writeTimeout = 100 * time.Millisecond
	payload := bytes.Repeat([]byte("cadena.db "), 800<<10) // 8 MB: more than the sockets hold
	entered, release := make(chan struct{}), make(chan struct{})
	backup := func(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
		size(int64(len(payload)))
		close(entered)
		<-release
		var n int64
		for rest := payload; len(rest) > 0; {
			k, err := w.Write(rest[:min(len(rest), 32<<10)])
			n += int64(k)
			if err != nil {
				return n, err
			}
			rest = rest[k:]
		}
		return n, nil
	}
	h := newHarness(t, func(c *rest.Config) { c.Backup = backup; c.BackupWriteTimeout = writeTimeout })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h.handler, WriteTimeout: writeTimeout}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	r, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/api/v1/admin/backup", nil)
	require.NoError(t, err)
	r.Header.Set("Authorization", "Bearer "+tokAdmin)
	type answer struct {
		body []byte
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- answer{b, err}
	}()
	<-entered
	// Past the server's write timeout for the whole answer (it started
	// before the backup did): a lower bound, not a race.
	time.Sleep(3 * writeTimeout)
	close(release)
	a := <-got
	require.NoError(t, a.err, "the backup was cut")
	assert.Equal(t, len(payload), len(a.body), "bytes received")
}
