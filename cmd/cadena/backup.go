package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cadena-project/cadena/api/rest"
	"github.com/cadena-project/cadena/cmd/cadena/internal/importer"
	"github.com/cadena-project/cadena/eventstore"
	"github.com/cadena-project/cadena/eventstore/bolt"
)

// backupOf returns the store's snapshot function for the API, or nil for
// a store that has its own backup tools.
func backupOf(s eventstore.Store) rest.BackupFunc {
	if b, ok := s.(*bolt.Store); ok {
		return b.Backup
	}
	return nil
}

// runBackup handles "cadena backup": a copy of the embedded store, taken
// from a running server (--server) or from a stopped data directory
// (--data), written to OUT, verified, and only then given its name.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", "--server URL --token-file FILE OUT | --data DIR OUT", stdout)
	server := fs.String("server", "", "base URL of a running server, e.g. http://127.0.0.1:8080 (needs an admin token)")
	tokenFile := fs.String("token-file", "", "file holding the admin token, for --server")
	data := fs.String("data", "", "data directory of a stopped server (its cadena.db)")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return usageError{errors.New("want exactly one OUT file after the flags")}
	case (*server == "") == (*data == ""):
		return usageError{errors.New("give either --server URL or --data DIR")}
	case *server != "" && *tokenFile == "":
		return usageError{errors.New("--server needs --token-file")}
	case *server != "" && importer.CheckServerURL(*server) != nil:
		return usageError{fmt.Errorf("--server %q: want http://host:port or https://host", importer.RedactedURL(*server))}
	}
	out := fs.Arg(0)
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("backup: %s already exists; give a new file", out)
	}
	var token string
	if *server != "" {
		var err error
		if token, err = readTokenFile(*tokenFile); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	tmp := out + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup: %s exists, left by a backup that did not finish: remove it, or give another OUT", tmp)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			pe.Path = out // the file asked for, not the temporary name
		}
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp) // after a failure; a success has renamed it
	var n int64
	if *server != "" {
		n, err = backupFromServer(ctx, *server, token, f)
	} else {
		n, err = bolt.BackupFile(ctx, filepath.Join(*data, storeFileName), lockTimeout, f, nil)
		switch {
		case errors.Is(err, bolt.ErrLocked):
			err = fmt.Errorf("%w; back up a running server with --server", storeFileError(err, *data))
		case errors.Is(err, bolt.ErrEmpty):
			err = fmt.Errorf("%w: not a store yet, nothing to back up; the file was left as it is", err)
		default:
			err = storeFileError(err, *data)
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	rep, err := bolt.Verify(tmp, 0)
	if err != nil {
		return fmt.Errorf("backup: the copy does not open: %w", err)
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("backup: the copy is not sound: %s", rep.Problems[0])
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d bytes, %d events in %d streams, verified sound\n", out, n, rep.Events, rep.Streams)
	return nil
}

// backupFromServer copies the snapshot the server at base streams to w.
func backupFromServer(ctx context.Context, base, token string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/api/v1/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var p struct {
			Detail string `json:"detail"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&p)
		if p.Detail == "" {
			return 0, fmt.Errorf("the server answered %d %s (not a cadena problem document)", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
		return 0, fmt.Errorf("the server answered %d %s: %s", resp.StatusCode, http.StatusText(resp.StatusCode), p.Detail)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("copying the snapshot: %w", err)
	}
	if want, perr := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); perr == nil && n != want {
		return n, fmt.Errorf("the snapshot stopped at %d of %d bytes", n, want)
	}
	return n, nil
}
