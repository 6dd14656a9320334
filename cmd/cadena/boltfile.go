package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cadena-project/cadena/eventstore/bolt"
)

// storeFileName is the embedded store's file in a data directory.
const storeFileName = "cadena.db"

// lockTimeout is how long the commands wait for another process to
// release the store's file: long enough for a restart, short enough to
// say at once that a second server was started on the same directory.
const lockTimeout = 500 * time.Millisecond

// openBoltStore opens the embedded store in the data directory dir,
// creating the directory if needed, with errors that tell the operator
// what to do.
func openBoltStore(dir string, opts bolt.Options) (*bolt.Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	if opts.LockTimeout == 0 {
		opts.LockTimeout = lockTimeout
	}
	s, err := bolt.Open(filepath.Join(dir, storeFileName), opts)
	return s, storeFileError(err, dir)
}

// storeFileError adds to an error of the embedded store in dir what the
// operator can do about it.
func storeFileError(err error, dir string) error {
	switch {
	case errors.Is(err, bolt.ErrLocked):
		return dirInUseError{dir: dir, err: err}
	case errors.Is(err, bolt.ErrEmpty):
		return fmt.Errorf("%w: refusing to take it as a new store (give --init to do so)", err)
	case errors.Is(err, bolt.ErrDamaged):
		return fmt.Errorf("%w; the file was left as it is ('cadena verify --data %s' says more)", err, dir)
	}
	return err
}

// storeReadError adds to an error met while reading the embedded store of
// cfg (damage bbolt did not see at open, found by a replay) the file and
// what the operator can do; errors of other stores pass unchanged.
func storeReadError(err error, cfg serveConfig) error {
	if cfg.store != "" || !errors.Is(err, bolt.ErrDamaged) {
		return err
	}
	return storeFileError(fmt.Errorf("reading %s: %w", filepath.Join(cfg.data, storeFileName), err), cfg.data)
}

// dirInUseError says, in the operator's words, that another process holds
// the data directory dir; it wraps the store's error (bolt.ErrLocked),
// whose wording about the file and the lock it leaves out.
type dirInUseError struct {
	dir string
	err error
}

func (e dirInUseError) Error() string {
	return "the data directory " + e.dir + " is in use by another cadena process"
}

func (e dirInUseError) Unwrap() error { return e.err }
